trace testdata/trace/y_goroutine-leak.trace

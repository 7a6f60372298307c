trace --json testdata/trace/go1.26/y_goroutine-leak.trace

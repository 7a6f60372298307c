trace --fail-on medium testdata/trace/go1.26/y_goroutine-leak.trace

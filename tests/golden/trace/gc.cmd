trace testdata/trace/go1.26/y_gc-heavy.trace

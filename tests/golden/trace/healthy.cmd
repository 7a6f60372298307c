trace testdata/trace/go1.26/y_healthy-pool.trace

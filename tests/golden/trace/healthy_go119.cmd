trace testdata/trace/y_healthy-pool.trace

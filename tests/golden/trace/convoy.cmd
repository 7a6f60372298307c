trace testdata/trace/go1.26/y_mutex-contention.trace

trace testdata/trace/y_mutex-contention.trace

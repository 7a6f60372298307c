trace --json testdata/trace/y_mutex-contention.trace

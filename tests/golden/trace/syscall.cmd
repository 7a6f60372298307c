trace testdata/trace/go1.26/y_syscall-io.trace

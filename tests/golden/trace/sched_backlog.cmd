trace testdata/trace/go1.26/y_sched-backlog.trace

trace testdata/trace/y_sched-backlog.trace

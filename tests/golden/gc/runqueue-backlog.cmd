gc testdata/gctrace/y_runqueue-backlog.log

gc testdata/gctrace/y_healthy.log

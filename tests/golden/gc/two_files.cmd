gc testdata/gctrace/y_healthy.log testdata/gctrace/y_forced.log

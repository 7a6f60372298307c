gc testdata/gctrace/y_forced.log

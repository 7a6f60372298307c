gc testdata/gctrace/y_gc-cpu-high.log

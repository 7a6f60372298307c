gc testdata/gctrace/y_gc-too-frequent.log

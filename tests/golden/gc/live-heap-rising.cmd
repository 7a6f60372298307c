gc testdata/gctrace/y_live-heap-rising.log

gc --fail-on high testdata/gctrace/y_live-heap-rising.log

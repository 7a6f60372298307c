heap -n 5 testdata/pprof/y_heap_legacy.txt

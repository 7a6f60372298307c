pprof -n 8 testdata/pprof/y_heap_raw.pb

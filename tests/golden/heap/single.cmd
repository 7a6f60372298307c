heap -n 5 testdata/pprof/y_heap.pb.gz

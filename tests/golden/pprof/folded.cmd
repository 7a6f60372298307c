pprof --folded -i alloc_space testdata/pprof/y_heap.pb.gz

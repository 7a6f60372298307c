heap --fail-on sometimes testdata/pprof/y_heap.pb.gz

pprof -n 8 testdata/pprof/y_allocs.pb.gz

pprof -n 8 testdata/pprof/y_inlined.pb.gz

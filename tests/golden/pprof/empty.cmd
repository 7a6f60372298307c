pprof -n 8 testdata/pprof/y_empty.pb.gz

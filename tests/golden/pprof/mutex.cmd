pprof -n 8 testdata/pprof/y_mutex.pb.gz

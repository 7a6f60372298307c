pprof -n 8 testdata/pprof/y_threadcreate.pb.gz

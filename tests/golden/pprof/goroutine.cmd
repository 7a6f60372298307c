pprof -n 8 testdata/pprof/y_goroutine.pb.gz

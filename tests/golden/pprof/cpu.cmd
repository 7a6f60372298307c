pprof -n 8 testdata/pprof/y_cpu.pb.gz

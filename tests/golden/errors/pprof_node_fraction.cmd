pprof --node-fraction 2 testdata/pprof/y_cpu.pb.gz

pprof --node-fraction 0 -n 5 testdata/pprof/y_cpu.pb.gz

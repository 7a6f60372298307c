heap testdata/pprof/y_cpu.pb.gz

flame --format png testdata/pprof/y_cpu.pb.gz

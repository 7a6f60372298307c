pprof -n 5 --ignore runtime testdata/pprof/y_cpu.pb.gz

pprof -i nosuch testdata/pprof/y_cpu.pb.gz

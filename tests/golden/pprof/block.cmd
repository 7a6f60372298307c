pprof -n 8 testdata/pprof/y_block.pb.gz

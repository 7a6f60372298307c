testdata/pprof/y_block.pb.gz

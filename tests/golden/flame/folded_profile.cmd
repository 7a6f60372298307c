flame testdata/pprof/y_inlined.pb.gz

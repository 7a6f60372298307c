pprof --raw testdata/pprof/y_inlined.pb.gz

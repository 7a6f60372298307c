pprof testdata/pprof/n_truncated.pb.gz

pprof testdata/pprof/n_bad_location.pb

pprof testdata/pprof/n_bad_string_index.pb

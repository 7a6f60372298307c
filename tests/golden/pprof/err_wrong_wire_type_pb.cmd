pprof testdata/pprof/n_wrong_wire_type.pb

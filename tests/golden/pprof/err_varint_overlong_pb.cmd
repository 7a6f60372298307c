pprof testdata/pprof/n_varint_overlong.pb

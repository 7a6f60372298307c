trace --json testdata/trace/n_cut_v1.trace

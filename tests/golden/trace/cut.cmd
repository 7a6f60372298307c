trace testdata/trace/n_cut.trace

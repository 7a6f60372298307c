trace testdata/trace/n_bad_version.trace

gc testdata/gctrace/n_truncated.log

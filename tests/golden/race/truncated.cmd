race --max-frames 1 testdata/race/n_truncated.log

gc testdata/gctrace/i_go14_format.log

gc testdata/gctrace/i_go15_format.log

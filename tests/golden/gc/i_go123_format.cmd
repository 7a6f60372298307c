gc testdata/gctrace/i_go123_format.log

race --max-frames 1 testdata/race/y_noindent.log

gc testdata/gctrace/y_stw-long.log

gc testdata/gctrace/i_go112_format.log

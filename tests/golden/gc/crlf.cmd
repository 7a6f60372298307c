gc testdata/gctrace/y_crlf.log

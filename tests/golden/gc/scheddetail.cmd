gc testdata/gctrace/y_scheddetail.log

gc --max-mem 12X testdata/gctrace/y_healthy.log

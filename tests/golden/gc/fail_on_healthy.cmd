gc --fail-on low testdata/gctrace/y_healthy.log

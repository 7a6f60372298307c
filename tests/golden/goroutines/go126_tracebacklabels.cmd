goroutines --max-buckets 4 testdata/goroutine/go1.26/y_tracebacklabels.txt

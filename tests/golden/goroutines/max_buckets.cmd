goroutines --max-buckets 2 --max-frames 2 testdata/goroutine/y_runnable-backlog.txt

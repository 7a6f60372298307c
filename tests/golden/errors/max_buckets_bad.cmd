goroutines --max-buckets lots testdata/goroutine/y_runnable-backlog.txt

goroutines --no-buckets testdata/goroutine/y_runnable-backlog.txt

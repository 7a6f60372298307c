goroutines --max-frames 3 testdata/goroutine/y_runnable-backlog.txt

goroutines --no-buckets testdata/goroutine/y_waitgroup-wait.txt

goroutines --no-buckets testdata/goroutine/y_pipe-leak.txt

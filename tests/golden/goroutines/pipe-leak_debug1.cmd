goroutines --no-buckets testdata/goroutine/y_pipe-leak_debug1.txt

goroutines --no-buckets testdata/goroutine/y_debug1.txt

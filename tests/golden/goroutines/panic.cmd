goroutines --no-buckets testdata/goroutine/y_panic.txt

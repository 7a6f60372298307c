goroutines --no-buckets testdata/goroutine/y_crash_panic.txt

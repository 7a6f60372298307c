goroutines --no-buckets testdata/goroutine/y_crash_concurrent.txt

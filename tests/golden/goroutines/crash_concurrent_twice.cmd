goroutines --no-buckets testdata/goroutine/y_caught_crash_concurrent_twice.txt

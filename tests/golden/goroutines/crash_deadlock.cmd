goroutines --no-buckets testdata/goroutine/y_crash_deadlock.txt

goroutines --no-buckets testdata/goroutine/go1.26/y_fatal_deadlock.txt

goroutines --no-buckets testdata/goroutine/go1.26/y_synctest_deadlock.txt

goroutines --no-buckets testdata/goroutine/y_recursive-rlock_debug1.txt

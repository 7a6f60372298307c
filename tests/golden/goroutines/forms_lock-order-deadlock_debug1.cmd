goroutines --no-buckets testdata/goroutine/y_lock-order-deadlock_debug1.txt

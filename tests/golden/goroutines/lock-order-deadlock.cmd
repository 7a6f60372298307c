goroutines --no-buckets testdata/goroutine/y_lock-order-deadlock.txt

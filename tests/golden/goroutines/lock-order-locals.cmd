goroutines --no-buckets testdata/goroutine/y_lock-order-locals.txt

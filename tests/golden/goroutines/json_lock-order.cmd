goroutines --json --no-source testdata/goroutine/y_lock-order-deadlock.txt

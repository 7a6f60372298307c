goroutines --no-buckets testdata/goroutine/y_healthy_pool.txt

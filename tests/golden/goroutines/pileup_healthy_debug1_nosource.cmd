goroutines --no-source --no-buckets --min-severity info testdata/goroutine/y_healthy_pool_debug1.txt

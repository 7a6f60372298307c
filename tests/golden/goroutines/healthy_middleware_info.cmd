goroutines --no-buckets --min-severity info testdata/goroutine/y_healthy_middleware.txt

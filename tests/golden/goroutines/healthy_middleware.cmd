goroutines --no-buckets testdata/goroutine/y_healthy_middleware.txt

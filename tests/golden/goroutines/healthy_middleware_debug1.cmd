goroutines --no-buckets testdata/goroutine/y_healthy_middleware_debug1.txt

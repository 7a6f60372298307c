goroutines --no-buckets testdata/goroutine/y_healthy_middleware_debug0.pb.gz

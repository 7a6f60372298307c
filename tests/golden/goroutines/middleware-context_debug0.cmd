goroutines --no-buckets testdata/goroutine/y_middleware-context_debug0.pb.gz

goroutines --no-buckets testdata/goroutine/y_middleware-context_debug1.txt

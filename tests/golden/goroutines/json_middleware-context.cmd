goroutines --json --no-buckets testdata/goroutine/y_middleware-context.txt

goroutines --no-buckets testdata/goroutine/y_runtime_stack.txt

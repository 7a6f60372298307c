goroutines --no-buckets testdata/goroutine/y_context-not-propagated_debug1.txt

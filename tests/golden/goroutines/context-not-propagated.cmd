goroutines --no-buckets testdata/goroutine/y_context-not-propagated.txt

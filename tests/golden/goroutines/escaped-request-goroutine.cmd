goroutines --no-buckets testdata/goroutine/y_escaped-request-goroutine.txt

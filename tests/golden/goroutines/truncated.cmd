goroutines --no-buckets testdata/goroutine/y_truncated.txt

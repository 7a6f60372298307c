goroutines --no-buckets testdata/goroutine/y_embedded_log.txt

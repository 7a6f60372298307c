goroutines --no-buckets testdata/goroutine/y_http-transport-per-request_debug1.txt

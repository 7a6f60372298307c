goroutines --no-buckets testdata/goroutine/y_http-transport-per-request.txt

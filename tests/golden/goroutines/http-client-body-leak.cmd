goroutines --no-buckets testdata/goroutine/y_http-client-body-leak.txt

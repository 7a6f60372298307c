goroutines --no-buckets testdata/goroutine/y_http-server-idle-conns.txt

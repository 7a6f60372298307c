goroutines --no-buckets testdata/goroutine/y_crlf.txt

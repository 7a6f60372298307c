goroutines --no-buckets testdata/goroutine/y_io-wait.txt

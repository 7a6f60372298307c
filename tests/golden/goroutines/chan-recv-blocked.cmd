goroutines --no-buckets testdata/goroutine/y_chan-recv-blocked.txt

goroutines --no-buckets testdata/goroutine/y_chan-send-blocked.txt

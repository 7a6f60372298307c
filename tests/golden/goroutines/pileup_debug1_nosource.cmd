goroutines --no-source --no-buckets testdata/goroutine/y_chan-send-blocked_debug1.txt

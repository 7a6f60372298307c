goroutines testdata/goroutine/y_chan-send-blocked.txt

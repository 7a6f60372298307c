goroutines --no-buckets testdata/goroutine/y_ticker-loop.txt

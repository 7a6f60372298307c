goroutines --no-buckets testdata/goroutine/i_unexpected_signal.txt

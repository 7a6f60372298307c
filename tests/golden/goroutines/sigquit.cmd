goroutines --no-buckets testdata/goroutine/y_sigquit.txt

goroutines --no-buckets testdata/goroutine/y_nil-chan.txt

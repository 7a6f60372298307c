goroutines --fail-on high --no-buckets testdata/goroutine/y_nil-chan.txt

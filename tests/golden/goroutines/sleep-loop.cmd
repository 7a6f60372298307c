goroutines --no-buckets testdata/goroutine/y_sleep-loop.txt

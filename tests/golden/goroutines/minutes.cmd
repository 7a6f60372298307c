goroutines --no-buckets testdata/goroutine/y_minutes.txt

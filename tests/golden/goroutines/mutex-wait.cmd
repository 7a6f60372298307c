goroutines --no-buckets testdata/goroutine/y_mutex-wait.txt

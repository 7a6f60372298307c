goroutines --no-buckets testdata/goroutine/y_cond-wait.txt

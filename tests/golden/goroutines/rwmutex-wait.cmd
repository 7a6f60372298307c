goroutines --no-buckets testdata/goroutine/y_rwmutex-wait.txt

goroutines --no-buckets testdata/goroutine/y_recursive-rlock.txt

goroutines --no-buckets testdata/goroutine/y_mutex-leaked.txt

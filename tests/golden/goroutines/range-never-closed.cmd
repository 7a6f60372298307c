goroutines --no-buckets testdata/goroutine/y_range-never-closed.txt

goroutines --no-buckets --no-source testdata/goroutine/y_range-never-closed.txt

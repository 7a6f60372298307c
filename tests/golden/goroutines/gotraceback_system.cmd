goroutines --no-buckets testdata/goroutine/y_gotraceback_system.txt

goroutines --no-buckets testdata/goroutine/y_two_dumps.txt

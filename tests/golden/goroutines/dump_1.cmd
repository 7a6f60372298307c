goroutines --dump 1 --no-buckets testdata/goroutine/y_two_dumps.txt

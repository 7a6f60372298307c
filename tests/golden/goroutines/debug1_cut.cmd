goroutines --no-buckets testdata/goroutine/y_debug1_cut.txt

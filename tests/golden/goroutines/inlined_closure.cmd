goroutines --no-buckets testdata/goroutine/y_inlined-closure.txt

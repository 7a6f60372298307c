goroutines --no-buckets testdata/goroutine/go1.26/y_inlined-closure.txt

goroutines --no-buckets testdata/goroutine/go1.26/y_goroutineleak_debug2.txt

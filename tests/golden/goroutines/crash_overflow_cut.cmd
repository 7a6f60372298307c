goroutines --no-buckets testdata/goroutine/y_crash_overflow_cut.txt

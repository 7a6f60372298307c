goroutines --no-buckets testdata/goroutine/y_select-blocked.txt

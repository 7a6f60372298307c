goroutines --no-buckets testdata/goroutine/y_select-forever.txt

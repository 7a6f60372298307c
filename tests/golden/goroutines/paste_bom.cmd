goroutines --no-buckets testdata/goroutine/y_paste_bom.txt

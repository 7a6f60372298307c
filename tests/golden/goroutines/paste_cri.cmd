goroutines --no-buckets testdata/goroutine/y_paste_cri.txt

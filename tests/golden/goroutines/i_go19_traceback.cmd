goroutines --no-buckets testdata/goroutine/i_go19_traceback.txt

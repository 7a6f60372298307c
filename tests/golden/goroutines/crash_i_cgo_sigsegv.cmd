goroutines --no-buckets testdata/goroutine/i_cgo_sigsegv.txt

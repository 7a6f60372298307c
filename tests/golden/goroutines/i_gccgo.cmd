goroutines --no-buckets testdata/goroutine/i_gccgo.txt

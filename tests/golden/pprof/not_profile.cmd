pprof testdata/goroutine/y_nil-chan.txt

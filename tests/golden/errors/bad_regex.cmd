goroutines --state ( testdata/goroutine/y_nil-chan.txt

goroutines --json testdata/goroutine/y_nil-chan.txt

goroutines --json testdata/goroutine/go1.26/y_inlined-closure_debug1.txt

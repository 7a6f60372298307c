flame testdata/goroutine/y_panic.txt

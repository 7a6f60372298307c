goroutines testdata/goroutine/y_debug1.txt

goroutines --state semacquire --max-frames 4 testdata/goroutine/y_panic.txt

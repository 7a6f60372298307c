goroutines --no-buckets testdata/goroutine/y_syscall.txt

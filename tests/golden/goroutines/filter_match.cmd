goroutines --match Mailbox --max-frames 4 testdata/goroutine/y_panic.txt

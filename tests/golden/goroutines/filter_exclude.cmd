goroutines --exclude sync --no-buckets testdata/goroutine/y_panic.txt

goroutines testdata/goroutine/does-not-exist.txt

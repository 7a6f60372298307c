goroutines testdata/goroutine/n_empty.txt

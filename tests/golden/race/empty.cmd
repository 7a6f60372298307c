race testdata/goroutine/n_empty.txt

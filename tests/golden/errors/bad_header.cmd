goroutines testdata/goroutine/n_bad_header.txt

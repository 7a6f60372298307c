goroutines testdata/goroutine/n_not_a_dump.txt

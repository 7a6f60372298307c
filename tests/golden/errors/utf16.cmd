goroutines testdata/goroutine/n_paste_utf16.txt

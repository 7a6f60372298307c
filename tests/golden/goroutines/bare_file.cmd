testdata/goroutine/y_select-forever.txt

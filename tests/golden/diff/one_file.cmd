diff testdata/goroutine/y_diff_1.txt

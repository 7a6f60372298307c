diff --json testdata/goroutine/y_diff_1.txt testdata/goroutine/y_diff_2.txt testdata/goroutine/y_diff_3.txt

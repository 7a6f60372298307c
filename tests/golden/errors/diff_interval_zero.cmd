diff --interval 0 testdata/goroutine/y_diff_1.txt testdata/goroutine/y_diff_2.txt

diff --fail-on leak testdata/goroutine/y_diff_1.txt testdata/goroutine/y_diff_3.txt

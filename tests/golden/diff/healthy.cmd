diff --fail-on leak testdata/goroutine/y_diff_healthy_1.txt testdata/goroutine/y_diff_healthy_2.txt

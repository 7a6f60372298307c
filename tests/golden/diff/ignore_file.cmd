diff --fail-on leak --ignore-file testdata/goroutine/ignore.txt testdata/goroutine/y_diff_1.txt testdata/goroutine/y_diff_3.txt

diff --fail-on leak --ignore-top main.(*Poller).watch testdata/goroutine/y_diff_1.txt testdata/goroutine/y_diff_3.txt

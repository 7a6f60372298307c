diff --interval 60 testdata/goroutine/y_diff_healthy_1.txt testdata/goroutine/y_chan-send-blocked.txt

goroutines --no-buckets testdata/goroutine/y_pipe-leak_debug0.pb.gz

goroutines --no-buckets testdata/goroutine/y_nil-chan_debug0.pb.gz

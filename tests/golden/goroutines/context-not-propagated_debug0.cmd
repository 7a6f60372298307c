goroutines --no-buckets testdata/goroutine/y_context-not-propagated_debug0.pb.gz

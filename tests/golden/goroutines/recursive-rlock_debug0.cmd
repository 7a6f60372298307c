goroutines --no-buckets testdata/goroutine/y_recursive-rlock_debug0.pb.gz

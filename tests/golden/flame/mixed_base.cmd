flame --base testdata/goroutine/y_panic.txt testdata/pprof/y_cpu.pb.gz

lint --dump testdata/goroutine/go1.26/y_goroutineleak_debug2.txt testdata/gen/go126/goroutineleak

goroutines --bogus testdata/goroutine/y_nil-chan.txt

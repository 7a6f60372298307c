trace testdata/goroutine/ignore.txt

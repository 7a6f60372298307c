goroutines testdata/goroutine/n_gzip_truncated.txt.gz

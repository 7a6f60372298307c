goroutines testdata/goroutine/n_gzip_bomb.txt.gz

pprof --max-mem 1M testdata/goroutine/n_gzip_bomb.txt.gz

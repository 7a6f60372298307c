goroutines --no-buckets --min-severity info testdata/goroutine/go1.26/y_synctest_dump.txt

goroutines --no-buckets testdata/goroutine/y_sql-pool-exhaustion.txt

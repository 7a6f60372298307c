goroutines --full-path --no-buckets --trim-path /nonexistent testdata/goroutine/y_healthy_periodic.txt

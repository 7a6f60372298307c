goroutines --similarity pointer --max-frames 3 --no-buckets --min-severity info testdata/goroutine/y_healthy_http.txt

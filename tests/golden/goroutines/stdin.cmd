goroutines --no-buckets -

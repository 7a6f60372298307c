goroutines --help

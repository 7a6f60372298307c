goroutines --similarity fuzzy --fail-on leak testdata/goroutine/y_panic.txt

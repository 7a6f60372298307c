goroutines --similarity fuzzy testdata/goroutine/y_nil-chan.txt

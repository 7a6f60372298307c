race testdata/race/n_garbage.bin

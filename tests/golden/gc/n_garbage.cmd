gc testdata/gctrace/n_garbage.bin

module example.com/gentargets

go 1.19

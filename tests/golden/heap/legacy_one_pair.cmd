heap testdata/pprof/i_heapz_v2.txt

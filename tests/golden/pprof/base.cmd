pprof -n 5 --base testdata/pprof/heap_series/unbounded-cache/00.pb.gz testdata/pprof/heap_series/unbounded-cache/15.pb.gz

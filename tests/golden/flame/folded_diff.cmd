flame --base testdata/pprof/heap_series/unbounded-cache/00.pb.gz testdata/pprof/heap_series/unbounded-cache/03.pb.gz

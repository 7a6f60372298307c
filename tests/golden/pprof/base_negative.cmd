pprof -n 3 --base testdata/pprof/heap_series/healthy-sawtooth/03.pb.gz testdata/pprof/heap_series/healthy-sawtooth/05.pb.gz

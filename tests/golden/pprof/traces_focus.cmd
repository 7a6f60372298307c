pprof --traces --focus Broker testdata/pprof/heap_series/late-leak/15.pb.gz

module gomedic.bench/genpprof

go 1.19

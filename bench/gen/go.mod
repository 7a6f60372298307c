module gomedic.bench/gen

go 1.19

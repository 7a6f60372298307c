module gomedic.test/gen

go 1.19

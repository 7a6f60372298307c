module gomedic.test/lint

go 1.19

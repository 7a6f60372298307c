gc --json testdata/gctrace/y_gomemlimit-death-spiral.log

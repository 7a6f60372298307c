gc testdata/gctrace/y_gomemlimit-death-spiral.log

race --json testdata/race/y_gotest.log

race --max-frames 2 testdata/race/y_gotest_nonverbose.log

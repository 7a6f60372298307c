race --max-frames 2 testdata/race/y_gotest.log

testdata/race/y_halt.log

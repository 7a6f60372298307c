race --baseline testdata/race/y_races.log testdata/race/y_gotest.log

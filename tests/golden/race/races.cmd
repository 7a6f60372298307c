race testdata/race/y_races.log

race testdata/race/y_race_hints.log

race --fail-on some testdata/race/y_races.log

race --fail-on any testdata/race/y_no_races.log

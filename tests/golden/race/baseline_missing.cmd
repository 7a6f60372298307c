race --fail-on new testdata/race/y_gotest.log

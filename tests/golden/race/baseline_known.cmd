race --fail-on new --baseline testdata/race/baseline_all.json --max-frames 1 testdata/race/y_gotest_nonverbose.log

race --fail-on new --baseline testdata/race/baseline.json --max-frames 1 testdata/race/y_gotest.log

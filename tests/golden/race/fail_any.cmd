race --fail-on any --max-frames 1 testdata/race/y_halt.log

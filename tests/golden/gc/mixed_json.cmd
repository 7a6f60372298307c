gc testdata/gctrace/y_mixed_json.log

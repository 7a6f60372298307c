lint testdata/lint

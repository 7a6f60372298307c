lint testdata/lint/no-such-dir

lint testdata/lint/fanout-first-answer/fixed

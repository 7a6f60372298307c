lint --min-severity high testdata/lint/time-tick testdata/lint/lock-return-without-unlock

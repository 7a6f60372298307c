lint --json testdata/lint/send-after-timeout/bug

module gomedic.test/oracle

go 1.26.0

require (
	github.com/google/pprof v0.0.0-20251114195745-4902fdda35c8
	golang.org/x/exp v0.0.0-20261120182113-8801fbdfac81
)

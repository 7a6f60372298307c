// Programs for the dump forms only Go 1.26 writes: the goroutineleak profile
// (GOEXPERIMENT=goroutineleakprofile), testing/synctest bubbles, Go 1.26
// crash/fatal tracebacks and the sync.* wait reasons. A module of its own so
// that the parent module (testdata/gen, go 1.19, built by Debian's Go 1.19)
// does not include them. Standard library only. Regenerate with ./regen.sh.
module gomedic.test/gen/go126

go 1.26

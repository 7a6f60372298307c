// Programs that write runtime execution traces (Go 1.22+ "v2" format) for the
// fixtures in testdata/trace. A module of its own so that the parent module
// (testdata/gen, go 1.19, built by Debian's Go 1.19) does not include them.
// Standard library only. Regenerate with ./regen.sh.
module gomedic.test/gen/trace

go 1.22

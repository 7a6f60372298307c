# Sourced by the scripts that regenerate or compare fixtures: where the fixtures of one Go
# version live. Debian's Go 1.19 wrote the reference set in testdata/KIND/ (the golden cases
# and docs use it); every newer Go's regeneration of the same programs sits beside it in
# testdata/KIND/go1.N/.
#   go_minor GO      -> go1.26 (the toolchain's version without its patch release)
#   fixdir KIND VER  -> testdata/KIND or testdata/KIND/VER; a version with no directory of
#                       its own gets the newest one there is (and a note on stderr)

go_minor() {
  "$1" env GOVERSION 2>/dev/null | sed -E 's/^(go[0-9]+\.[0-9]+).*/\1/'
}

fixdir() {
  local kind=$1 ver=$2 newest
  if [ "$ver" = go1.19 ]; then
    echo "testdata/$kind"
  elif [ -d "testdata/$kind/$ver" ]; then
    echo "testdata/$kind/$ver"
  else
    newest=$(ls -d "testdata/$kind"/go1.* 2>/dev/null | sort -V | tail -1)
    echo "fixdir: no $kind fixtures of $ver; using ${newest:-testdata/$kind}" >&2
    echo "${newest:-testdata/$kind}"
  fi
}

// The busy program whose execution trace bench/trace.sh reads (standard library only; built
// by Debian's Go 1.19 for a v1 trace and by Go 1.26 for a v2 one).
module gomedic.bench/gentrace

go 1.19

// Command sitegen writes the source of "sites", a Go program with thousands
// of distinct functions spread over a few packages, into a directory:
//
//	sitegen -o DIR [-pkgs 16] [-funcs 250] [-seed 1]
//	cd DIR && go build -o sites .
//
// Layout of DIR (module gomedic.bench/genpprof/sites):
//
//	go.mod
//	main.go             driver (copied from tmpl/main.go.txt)
//	entries.go          table of entry functions (generated)
//	walk/walk.go        walker, keep-alive sinks, CPU kernels (copied from tmpl/walk.go.txt)
//	internal/<pkg>/*.go generated functions
//
// Every generated function takes (w *walk.W, d int). With d > 0 it consumes
// one choice of the walk's path and calls one of 5 distinct callees (in its own
// package or in one of the next 3 packages) or itself, with d-1; with d == 0
// it is a leaf and allocates at one of its 4 sites (heap mode) or calls a CPU
// kernel (cpu mode). Half of the functions are methods on per-package service
// types. Each function also spins a few dozen iterations in cpu mode, so flat
// CPU time is spread over the whole graph. Nothing generated is committed.
package main

import (
	"bytes"
	"embed"
	"flag"
	"fmt"
	"go/format"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

//go:embed tmpl/*.txt
var tmpl embed.FS

var pkgNames = []string{
	"storage", "query", "planner", "codec", "rpc", "cache", "index", "wal",
	"compact", "auth", "billing", "search", "ingest", "render", "sched", "metrics",
	"replica", "gateway", "catalog", "ledger", "notify", "export", "session", "quota",
}

var verbs = []string{
	"Load", "Store", "Scan", "Decode", "Encode", "Resolve", "Apply", "Merge", "Split", "Fetch",
	"Render", "Validate", "Index", "Flush", "Compact", "Replay", "Route", "Dispatch", "Handle",
	"Build", "Parse", "Visit", "Walk", "Compute", "Lookup", "Collect", "Prepare", "Commit",
	"Rewrite", "Expand", "Normalize", "Marshal", "Filter", "Reduce", "Emit", "Refresh",
}

var nouns = []string{
	"Order", "User", "Page", "Segment", "Block", "Frame", "Entry", "Token", "Batch", "Shard",
	"Tree", "Node", "Row", "Column", "Span", "Event", "Record", "Chunk", "Query", "Plan",
	"Key", "Cache", "Header", "Payload", "Manifest", "Snapshot", "Tenant", "Invoice", "Filter",
	"Cursor", "Partition", "Schema", "Metric", "Label", "Route", "Ticket",
}

var services = []string{"Service", "Store", "Codec", "Engine", "Manager", "Worker", "Client", "Registry"}

type fn struct {
	pkg     int
	name    string
	recv    string // "" for plain functions, else the package var holding the receiver
	recvTyp string
	callees []*fn
	rec     int // record type used at the leaf
	spin    int
	mix     int64
}

// ref is how code in package `from` calls f.
func (f *fn) ref(from int) string {
	q := ""
	if f.pkg != from {
		q = pkgNames[f.pkg] + "."
	}
	if f.recv != "" {
		return q + f.recv + "." + f.name
	}
	return q + f.name
}

func main() {
	out := flag.String("o", "", "output directory (required)")
	npkg := flag.Int("pkgs", 16, "packages")
	nfun := flag.Int("funcs", 250, "functions per package")
	seed := flag.Int64("seed", 1, "seed")
	flag.Parse()
	if *out == "" || *npkg < 1 || *npkg > len(pkgNames) || *nfun < 8 || *nfun > len(verbs)*len(nouns) {
		flag.Usage()
		os.Exit(2)
	}
	rng := rand.New(rand.NewSource(*seed))

	// Functions.
	pkgs := make([][]*fn, *npkg)
	for p := range pkgs {
		svc := rng.Perm(len(services))[:4]
		used := map[string]bool{}
		for len(pkgs[p]) < *nfun {
			name := verbs[rng.Intn(len(verbs))] + nouns[rng.Intn(len(nouns))]
			if used[name] {
				continue
			}
			used[name] = true
			f := &fn{pkg: p, name: name, rec: rng.Intn(8), spin: 20 + rng.Intn(80), mix: 1 + rng.Int63n(1<<40)}
			if rng.Intn(2) == 0 {
				s := services[svc[rng.Intn(len(svc))]]
				f.recvTyp = nouns[(p*7+len(s))%len(nouns)] + s
				f.recv = "The" + f.recvTyp
			}
			pkgs[p] = append(pkgs[p], f)
		}
	}
	// Call graph: 5 distinct callees per function, none of them itself.
	for p, fs := range pkgs {
		for _, f := range fs {
			seen := map[*fn]bool{f: true}
			for len(f.callees) < 5 {
				q := p
				if p+1 < *npkg && rng.Intn(5) < 2 {
					q = p + 1 + rng.Intn(min(3, *npkg-p-1))
				}
				c := pkgs[q][rng.Intn(len(pkgs[q]))]
				if !seen[c] {
					seen[c] = true
					f.callees = append(f.callees, c)
				}
			}
		}
	}

	must(os.MkdirAll(filepath.Join(*out, "walk"), 0o755))
	write(filepath.Join(*out, "go.mod"), []byte("module gomedic.bench/genpprof/sites\n\ngo 1.19\n"))
	copyTmpl("tmpl/main.go.txt", filepath.Join(*out, "main.go"))
	copyTmpl("tmpl/walk.go.txt", filepath.Join(*out, "walk", "walk.go"))

	total := 0
	for p, fs := range pkgs {
		dir := filepath.Join(*out, "internal", pkgNames[p])
		must(os.RemoveAll(dir))
		must(os.MkdirAll(dir, 0o755))
		// Several files per package, so positions look like a real package.
		const perFile = 50
		for i := 0; i < len(fs); i += perFile {
			end := min(i+perFile, len(fs))
			src := genFile(p, fs[i:end], i == 0, fs)
			write(filepath.Join(dir, fmt.Sprintf("%s_%d.go", pkgNames[p], i/perFile)), src)
		}
		total += len(fs)
	}

	// entries.go: every plain function is an entry point.
	var b bytes.Buffer
	b.WriteString("// Code generated by sitegen. DO NOT EDIT.\n\npackage main\n\nimport (\n")
	b.WriteString("\t\"gomedic.bench/genpprof/sites/walk\"\n")
	for p := range pkgs {
		fmt.Fprintf(&b, "\t\"gomedic.bench/genpprof/sites/internal/%s\"\n", pkgNames[p])
	}
	fmt.Fprintf(&b, ")\n\nconst numFuncs = %d\n\nvar entries = []func(*walk.W, int){\n", total)
	for p, fs := range pkgs {
		for _, f := range fs {
			if f.recv == "" {
				fmt.Fprintf(&b, "\t%s,\n", f.ref(-1))
			}
		}
		_ = p
	}
	b.WriteString("}\n")
	write(filepath.Join(*out, "entries.go"), gofmt(b.Bytes()))
	fmt.Fprintf(os.Stderr, "sitegen: %d packages, %d functions -> %s\n", len(pkgs), total, *out)
}

func genFile(p int, fs []*fn, first bool, all []*fn) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by sitegen. DO NOT EDIT.\n\npackage %s\n\n", pkgNames[p])
	imports := map[string]bool{"gomedic.bench/genpprof/sites/walk": true, "strconv": true, "unsafe": true}
	for _, f := range fs {
		for _, c := range f.callees {
			if c.pkg != p {
				imports["gomedic.bench/genpprof/sites/internal/"+pkgNames[c.pkg]] = true
			}
		}
	}
	var imps []string
	for k := range imports {
		imps = append(imps, k)
	}
	sort.Strings(imps)
	b.WriteString("import (\n")
	for _, k := range imps {
		fmt.Fprintf(&b, "\t%q\n", k)
	}
	b.WriteString(")\n\n")
	if first {
		// Record types (different sizes) and service types with their instances.
		for r := 0; r < 8; r++ {
			fmt.Fprintf(&b, "type Rec%d struct {\n\tID   int64\n\tName string\n\tVals [%d]int64\n\tNext *Rec%d\n}\n\n", r, 1+r*r*3+p%4, r)
		}
		typs := map[string]bool{}
		for _, f := range all {
			if f.recvTyp != "" {
				typs[f.recvTyp] = true
			}
		}
		var ts []string
		for t := range typs {
			ts = append(ts, t)
		}
		sort.Strings(ts)
		for _, t := range ts {
			fmt.Fprintf(&b, "type %s struct{ calls int64 }\n\nvar The%s = &%s{}\n\n", t, t, t)
		}
	}
	for _, f := range fs {
		recv := ""
		if f.recv != "" {
			recv = "(s *" + f.recvTyp + ") "
		}
		fmt.Fprintf(&b, "//go:noinline\nfunc %s%s(w *walk.W, d int) {\n", recv, f.name)
		fmt.Fprintf(&b, "\tif w.CPU {\n\t\tfor i := 0; i < %d; i++ {\n\t\t\tw.Acc = w.Acc*6364136223846793005 + %d ^ uint64(i)\n\t\t}\n\t}\n", f.spin, f.mix)
		fmt.Fprintf(&b, "\tif d <= 0 {\n\t\tif w.CPU {\n\t\t\twalk.Kernel(w, %d)\n\t\t\treturn\n\t\t}\n", len(f.name)*31+f.spin)
		b.WriteString("\t\tswitch w.Leaf(4) {\n")
		b.WriteString("\t\tcase 0:\n\t\t\tw.KeepBytes(make([]byte, w.Size()))\n")
		fmt.Fprintf(&b, "\t\tcase 1:\n\t\t\tw.KeepPtr(unsafe.Pointer(&Rec%d{ID: w.ID(), Name: %q}))\n", f.rec, f.name)
		b.WriteString("\t\tcase 2:\n\t\t\tw.KeepInts(make([]int64, w.Len()))\n")
		fmt.Fprintf(&b, "\t\tdefault:\n\t\t\tw.KeepStr(%q + strconv.FormatInt(w.ID(), 36))\n", f.name+"/")
		b.WriteString("\t\t}\n\t\treturn\n\t}\n")
		b.WriteString("\tswitch w.Next() {\n")
		for i, c := range f.callees {
			fmt.Fprintf(&b, "\tcase %d:\n\t\t%s(w, d-1)\n", i, c.ref(p))
		}
		self := f.name
		if f.recv != "" {
			self = "s." + f.name
		}
		fmt.Fprintf(&b, "\tdefault:\n\t\t%s(w, d-1)\n\t}\n}\n\n", self)
	}
	return gofmt(b.Bytes())
}

func gofmt(src []byte) []byte {
	out, err := format.Source(src)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sitegen: generated code does not parse:", err)
		lines := strings.Split(string(src), "\n")
		for i, l := range lines {
			fmt.Fprintf(os.Stderr, "%5d %s\n", i+1, l)
		}
		os.Exit(1)
	}
	return out
}

func copyTmpl(name, dst string) {
	b, err := tmpl.ReadFile(name)
	must(err)
	write(dst, b)
}

func write(name string, b []byte) { must(os.WriteFile(name, b, 0o644)) }

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "sitegen:", err)
		os.Exit(1)
	}
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}

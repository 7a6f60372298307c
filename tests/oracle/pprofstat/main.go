// Command pprofstat prints reference numbers for a pprof profile, computed with
// github.com/google/pprof/profile (the parser `go tool pprof` uses), as JSON.
//
//	pprofstat [-i INDEX|NAME] [-n N] [-legacy-symbols] PROFILE
//
// The top rows follow `go tool pprof -top` at its default granularity
// (functions): a node per function name, inlined frames expanded (one frame per
// Line of a Location); flat is the value of the samples whose leaf frame (the
// innermost Line of the first Location) is the function, cum the value of the
// samples with the function anywhere in the stack, counted once per sample
// even when it recurses. As pprof does on loading a profile, drop_frames and
// keep_frames are applied (Profile.RemoveUninteresting). A frame without a
// function is named by its location's address ("0x4b5e1a"), one node per
// address, where pprof would merge every such frame of a mapping into one node;
// a function with an empty name keeps it ("", pprof prints "<unknown>").
//
// -legacy-symbols: a legacy text heap profile ("heap profile: ...") carries its
// symbols in "#\t0xPC\tfunc+0xOFF\tfile:line" comment lines, which pprof
// ignores (it wants the binary). With this flag the locations are named from
// those lines, and when the file has such lines, the locations it prints none
// for (the runtime frames runtime/pprof hides, runtime.goexit) are removed
// from the stacks.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/google/pprof/profile"
)

type valueType struct {
	Type string `json:"type"`
	Unit string `json:"unit"`
}

type row struct {
	Function string `json:"function"`
	Flat     int64  `json:"flat"`
	Cum      int64  `json:"cum"`
}

type output struct {
	File          string      `json:"file"`
	SampleTypes   []valueType `json:"sample_types"`
	PeriodType    valueType   `json:"period_type"`
	Period        int64       `json:"period"`
	DurationNanos int64       `json:"duration_nanos"`
	TimeNanos     int64       `json:"time_nanos"`
	Samples       int         `json:"samples"`
	Totals        []int64     `json:"totals"`
	DropFrames    string      `json:"drop_frames"`
	KeepFrames    string      `json:"keep_frames"`
	LegacySymbols bool        `json:"legacy_symbols"`
	SampleIndex   int         `json:"sample_index"`
	Total         int64       `json:"total"`
	Functions     int         `json:"functions"`
	TopFlat       []row       `json:"top_flat"`
	TopCum        []row       `json:"top_cum"`
}

func main() {
	index := flag.String("i", "", "sample type shown, by name or 0-based index (default: default_sample_type, else the last)")
	n := flag.Int("n", 10, "rows in top_flat and top_cum (0: all)")
	legacy := flag.Bool("legacy-symbols", false, "name the locations of a legacy text heap profile from its '#' lines")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: pprofstat [-i INDEX|NAME] [-n N] [-legacy-symbols] PROFILE")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	file := flag.Arg(0)
	data, err := os.ReadFile(file)
	if err != nil {
		fail(err)
	}
	p, err := profile.ParseData(data)
	if err != nil {
		fail(fmt.Errorf("%s: %v", file, err))
	}
	out := output{File: file, SampleTypes: []valueType{}}
	if *legacy {
		out.LegacySymbols = symbolizeLegacy(p, data)
	}
	if err := p.RemoveUninteresting(); err != nil {
		fail(fmt.Errorf("%s: %v", file, err))
	}

	for _, st := range p.SampleType {
		out.SampleTypes = append(out.SampleTypes, valueType{st.Type, st.Unit})
	}
	if p.PeriodType != nil {
		out.PeriodType = valueType{p.PeriodType.Type, p.PeriodType.Unit}
	}
	out.Period, out.DurationNanos, out.TimeNanos = p.Period, p.DurationNanos, p.TimeNanos
	out.Samples = len(p.Sample)
	out.DropFrames, out.KeepFrames = p.DropFrames, p.KeepFrames
	out.Totals = make([]int64, len(p.SampleType))
	for _, s := range p.Sample {
		for i, v := range s.Value {
			out.Totals[i] += v
		}
	}

	si, err := sampleIndex(p, *index)
	if err != nil {
		fail(fmt.Errorf("%s: %v", file, err))
	}
	out.SampleIndex = si
	if len(out.Totals) > 0 {
		out.Total = out.Totals[si]
	}
	rows := top(p, si)
	out.Functions = len(rows)
	out.TopFlat = sorted(rows, func(a, b row) bool { return abs(a.Flat) > abs(b.Flat) }, *n)
	out.TopCum = sorted(rows, func(a, b row) bool { return abs(a.Cum) > abs(b.Cum) }, *n)

	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "pprofstat:", err)
	os.Exit(1)
}

// sampleIndex resolves -i the way pprof's -sample_index does.
func sampleIndex(p *profile.Profile, arg string) (int, error) {
	if arg == "" {
		if p.DefaultSampleType != "" {
			return p.SampleIndexByName(p.DefaultSampleType)
		}
		return len(p.SampleType) - 1, nil
	}
	if i, err := strconv.Atoi(arg); err == nil {
		if i < 0 || i >= len(p.SampleType) {
			return 0, fmt.Errorf("sample index %d out of range (%d types)", i, len(p.SampleType))
		}
		return i, nil
	}
	return p.SampleIndexByName(arg)
}

// frameName names one frame (one Line of a Location).
func frameName(loc *profile.Location, ln profile.Line) string {
	if ln.Function == nil {
		return fmt.Sprintf("%#x", loc.Address)
	}
	return ln.Function.Name
}

// top computes flat and cum per function name, as pprof's graph does.
func top(p *profile.Profile, si int) []row {
	byName := map[string]*row{}
	get := func(name string) *row {
		r := byName[name]
		if r == nil {
			r = &row{Function: name}
			byName[name] = r
		}
		return r
	}
	for _, s := range p.Sample {
		if si < 0 || si >= len(s.Value) {
			continue
		}
		v := s.Value[si]
		if v == 0 {
			continue
		}
		seen := map[string]bool{}
		leaf, first := "", true
		for _, loc := range s.Location {
			lines := loc.Line
			if len(lines) == 0 {
				lines = []profile.Line{{}}
			}
			for _, ln := range lines {
				name := frameName(loc, ln)
				if first {
					leaf, first = name, false
				}
				if !seen[name] {
					seen[name] = true
					get(name).Cum += v
				}
			}
		}
		if !first {
			get(leaf).Flat += v
		}
	}
	rows := make([]row, 0, len(byName))
	for _, r := range byName {
		if r.Flat != 0 || r.Cum != 0 {
			rows = append(rows, *r)
		}
	}
	return rows
}

// sorted returns the first n rows (all when n <= 0) ordered by before, ties by name.
func sorted(rows []row, before func(a, b row) bool, n int) []row {
	s := append([]row{}, rows...)
	sort.Slice(s, func(i, j int) bool {
		if before(s[i], s[j]) {
			return true
		}
		if before(s[j], s[i]) {
			return false
		}
		return s[i].Function < s[j].Function
	})
	if n > 0 && len(s) > n {
		s = s[:n]
	}
	return s
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// symbolizeLegacy names the locations of a legacy text heap profile from its
// "#\t0xPC\tfunc+0xOFF\tfile:line" lines (runtime/pprof debug=1). pprof's
// legacy parser gives location i of a record the address of "@" entry i minus
// 1, which is the PC the "#" lines print. Consecutive "#" lines with one PC are
// the inlined frames of that location, innermost first; when the "@" list has
// that address k times in a row (direct recursion), the run holds k copies.
// Reports whether any location was named.
func symbolizeLegacy(p *profile.Profile, data []byte) bool {
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return false
		}
		if data, err = io.ReadAll(zr); err != nil {
			return false
		}
	}
	if !bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("heap profile:")) {
		return false
	}
	type frame struct {
		pc       uint64
		fn, file string
		line     int64
		hasFunc  bool
	}
	symbols := map[uint64][]frame{} // PC -> lines of its location, innermost first
	var addrs []uint64              // "@" list of the current record
	var frames []frame              // its "#" lines
	flush := func() {
		for i := 0; i < len(frames); {
			j := i
			for j < len(frames) && frames[j].pc == frames[i].pc {
				j++
			}
			run := frames[i:j]
			copies := 0
			for k, a := range addrs {
				if a-1 == run[0].pc {
					for k < len(addrs) && addrs[k]-1 == run[0].pc {
						copies++
						k++
					}
					break
				}
			}
			if copies < 1 || len(run)%copies != 0 {
				copies = 1
			}
			if _, ok := symbols[run[0].pc]; !ok {
				symbols[run[0].pc] = run[:len(run)/copies]
			}
			i = j
		}
		addrs, frames = nil, nil
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.HasPrefix(line, "#\t0x") {
			fields := strings.FieldsFunc(line[2:], func(r rune) bool { return r == '\t' })
			pc, err := strconv.ParseUint(strings.TrimPrefix(fields[0], "0x"), 16, 64)
			if err != nil {
				continue
			}
			f := frame{pc: pc}
			if len(fields) >= 2 {
				f.hasFunc = true
				f.fn = fields[1]
				if k := strings.LastIndex(f.fn, "+0x"); k > 0 {
					f.fn = f.fn[:k]
				}
			}
			if len(fields) >= 3 {
				f.file = fields[2]
				if k := strings.LastIndexByte(f.file, ':'); k > 0 {
					f.line, _ = strconv.ParseInt(f.file[k+1:], 10, 64)
					f.file = f.file[:k]
				}
			}
			frames = append(frames, f)
			continue
		}
		if k := strings.Index(line, "] @"); k >= 0 && !strings.HasPrefix(line, "heap profile:") {
			flush()
			for _, a := range strings.Fields(line[k+3:]) {
				if v, err := strconv.ParseUint(strings.TrimPrefix(a, "0x"), 16, 64); err == nil {
					addrs = append(addrs, v)
				}
			}
		}
	}
	flush()
	if len(symbols) == 0 {
		return false
	}

	funcs := map[[2]string]*profile.Function{}
	drop := map[*profile.Location]bool{}
	for _, loc := range p.Location {
		run, ok := symbols[loc.Address]
		if !ok {
			drop[loc] = true
			continue
		}
		if len(loc.Line) > 0 {
			continue
		}
		for _, f := range run {
			if !f.hasFunc {
				continue // "#\t0xPC" alone: no symbol, keep the address
			}
			key := [2]string{f.fn, f.file}
			fn := funcs[key]
			if fn == nil {
				fn = &profile.Function{ID: uint64(len(p.Function) + 1), Name: f.fn, SystemName: f.fn, Filename: f.file}
				p.Function = append(p.Function, fn)
				funcs[key] = fn
			}
			loc.Line = append(loc.Line, profile.Line{Function: fn, Line: f.line})
		}
	}
	for _, s := range p.Sample {
		kept := s.Location[:0]
		for _, loc := range s.Location {
			if !drop[loc] {
				kept = append(kept, loc)
			}
		}
		s.Location = kept
	}
	return true
}

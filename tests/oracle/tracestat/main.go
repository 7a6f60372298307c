// Command tracestat prints a summary of a Go execution trace, read with
// golang.org/x/exp/trace (the exported copy of the parser `go tool trace`
// uses), as JSON: the Go version of the header, events by kind, state
// transitions by resource kind and from->to state, the goroutines seen, the
// Sync events (one per generation plus a final one), and the state each
// goroutine was last seen in with the reason of that transition ("blocked_at_end":
// the goroutines last seen Waiting, by reason). Goroutine ids are written as
// sorted ranges ("1-33,49").
//
//	tracestat TRACE
//
// The trace must be uncompressed (as runtime/trace and /debug/pprof/trace
// write it). On a parse error the summary of what was read is printed with an
// "error" member and the exit status is 1.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/exp/trace"
)

type summary struct {
	File          string                    `json:"file"`
	GoVersion     string                    `json:"go_version"`
	Events        int                       `json:"events"`
	Kinds         map[string]int            `json:"kinds"`
	Transitions   map[string]map[string]int `json:"transitions"`
	Goroutines    int                       `json:"goroutines"`
	GoroutineIDs  string                    `json:"goroutine_ids"`
	Procs         int                       `json:"procs"`
	Threads       int                       `json:"threads"`
	Syncs         int                       `json:"syncs"`
	Generations   int                       `json:"generations"`
	DurationNanos int64                     `json:"duration_nanos"`
	FinalStates   map[string]map[string]int `json:"final_states"`
	BlockedAtEnd  map[string]int            `json:"blocked_at_end"`
	Error         string                    `json:"error,omitempty"`
}

var header = regexp.MustCompile(`^go 1\.(\d+) trace\x00\x00\x00`)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: tracestat TRACE")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "tracestat:", err)
		os.Exit(1)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	s := summary{
		File:         os.Args[1],
		Kinds:        map[string]int{},
		Transitions:  map[string]map[string]int{},
		FinalStates:  map[string]map[string]int{},
		BlockedAtEnd: map[string]int{},
	}
	if h, _ := br.Peek(16); header.Match(h) {
		s.GoVersion = "1." + string(header.FindSubmatch(h)[1])
	}
	err = read(br, &s)
	if err != nil {
		s.Error = err.Error()
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if e := enc.Encode(s); e != nil {
		fmt.Fprintln(os.Stderr, "tracestat:", e)
		os.Exit(1)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "tracestat: %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

type final struct {
	state  trace.GoState
	reason string
}

func read(r io.Reader, s *summary) error {
	tr, err := trace.NewReader(r)
	if err != nil {
		return err
	}
	goroutines := map[trace.GoID]bool{}
	procs := map[trace.ProcID]bool{}
	threads := map[trace.ThreadID]bool{}
	last := map[trace.GoID]final{}
	var first, end trace.Time
	defer func() {
		s.Goroutines = len(goroutines)
		s.GoroutineIDs = ranges(goroutines)
		s.Procs, s.Threads = len(procs), len(threads)
		if s.Syncs > 0 {
			s.Generations = s.Syncs - 1
		}
		s.DurationNanos = int64(end - first)
		for _, fin := range last {
			add(s.FinalStates, fin.state.String(), fin.reason)
			if fin.state == trace.GoWaiting {
				s.BlockedAtEnd[fin.reason]++
			}
		}
	}()
	for {
		ev, err := tr.ReadEvent()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if s.Events == 0 {
			first = ev.Time()
		}
		end = ev.Time()
		s.Events++
		s.Kinds[ev.Kind().String()]++
		if g := ev.Goroutine(); g != trace.NoGoroutine {
			goroutines[g] = true
		}
		if p := ev.Proc(); p != trace.NoProc {
			procs[p] = true
		}
		if t := ev.Thread(); t != trace.NoThread {
			threads[t] = true
		}
		switch ev.Kind() {
		case trace.EventSync:
			s.Syncs++
		case trace.EventStateTransition:
			st := ev.StateTransition()
			kind := st.Resource.Kind.String()
			switch st.Resource.Kind {
			case trace.ResourceGoroutine:
				from, to := st.Goroutine()
				add(s.Transitions, kind, from.String()+"->"+to.String())
				id := st.Resource.Goroutine()
				goroutines[id] = true
				last[id] = final{to, st.Reason}
			case trace.ResourceProc:
				from, to := st.Proc()
				add(s.Transitions, kind, from.String()+"->"+to.String())
				procs[st.Resource.Proc()] = true
			default:
				add(s.Transitions, kind, "?")
			}
		}
	}
}

func add(m map[string]map[string]int, k1, k2 string) {
	if m[k1] == nil {
		m[k1] = map[string]int{}
	}
	m[k1][k2]++
}

// ranges writes a set of goroutine ids as sorted ranges: "1-3,7,9-10".
func ranges(set map[trace.GoID]bool) string {
	ids := make([]int64, 0, len(set))
	for id := range set {
		ids = append(ids, int64(id))
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var b strings.Builder
	for i := 0; i < len(ids); {
		j := i
		for j+1 < len(ids) && ids[j+1] == ids[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		if j > i {
			fmt.Fprintf(&b, "%d-%d", ids[i], ids[j])
		} else {
			fmt.Fprintf(&b, "%d", ids[i])
		}
		i = j + 1
	}
	return b.String()
}

// Package applog writes the application log lines that the gc fixture
// programs mix into stderr next to the runtime's gctrace/schedtrace output.
//
// Four styles are used, as seen in real service logs:
//
//	plain   "[component] message"                        (no timestamp)
//	std     "2006/01/02 15:04:05.000000 message"          (package log)
//	json    {"time":"...","level":"info","msg":"...",...} (one object per line)
//	ts      "2006-01-02T15:04:05.000Z07:00 INFO component message k=v"
//
// Every line is written with a single write(2) so it cannot be torn by our
// own goroutines (the runtime still writes its trace lines piecewise).
// With -json (or JSONOnly = true) every line is a JSON object.
package applog

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"
	"sync"
	"time"
)

// JSONOnly makes every style emit a JSON object instead.
var JSONOnly = flag.Bool("json", false, "write every application log line as a JSON object")

var (
	mu  sync.Mutex
	std = log.New(os.Stderr, "", log.LstdFlags|log.Lmicroseconds)
	seq int
)

// Logger is a component-scoped logger.
type Logger struct{ comp string }

// New returns a logger for component comp.
func New(comp string) *Logger { return &Logger{comp: comp} }

func (l *Logger) write(b []byte) {
	mu.Lock()
	os.Stderr.Write(b)
	mu.Unlock()
}

// Plain writes "[comp] msg".
func (l *Logger) Plain(format string, args ...interface{}) {
	if *JSONOnly {
		l.JSON("info", fmt.Sprintf(format, args...))
		return
	}
	l.write([]byte("[" + l.comp + "] " + fmt.Sprintf(format, args...) + "\n"))
}

// Std writes through package log (date, time with microseconds).
func (l *Logger) Std(format string, args ...interface{}) {
	if *JSONOnly {
		l.JSON("info", fmt.Sprintf(format, args...))
		return
	}
	mu.Lock()
	std.Printf("%s: %s", l.comp, fmt.Sprintf(format, args...))
	mu.Unlock()
}

// JSON writes one JSON object; kv are alternating keys and values.
func (l *Logger) JSON(level, msg string, kv ...interface{}) {
	m := map[string]interface{}{
		"time":      time.Now().UTC().Format(time.RFC3339Nano),
		"level":     level,
		"component": l.comp,
		"msg":       msg,
	}
	for i := 0; i+1 < len(kv); i += 2 {
		m[fmt.Sprint(kv[i])] = kv[i+1]
	}
	b, err := json.Marshal(m)
	if err != nil {
		b = []byte(fmt.Sprintf(`{"level":"error","msg":%q}`, err.Error()))
	}
	l.write(append(b, '\n'))
}

// TS writes "RFC3339-millis LEVEL comp msg k=v ...".
func (l *Logger) TS(level, msg string, kv ...interface{}) {
	if *JSONOnly {
		l.JSON(level, msg, kv...)
		return
	}
	s := time.Now().Format("2006-01-02T15:04:05.000Z07:00") + " " + strings.ToUpper(level) + " " + l.comp + " " + msg
	for i := 0; i+1 < len(kv); i += 2 {
		s += fmt.Sprintf(" %v=%v", kv[i], kv[i+1])
	}
	l.write([]byte(s + "\n"))
}

// Mixed rotates through std, json and ts styles.
func (l *Logger) Mixed(level, msg string, kv ...interface{}) {
	mu.Lock()
	seq++
	n := seq
	mu.Unlock()
	switch n % 3 {
	case 0:
		s := msg
		for i := 0; i+1 < len(kv); i += 2 {
			s += fmt.Sprintf(" %v=%v", kv[i], kv[i+1])
		}
		l.Std("%s", s)
	case 1:
		l.JSON(level, msg, kv...)
	default:
		l.TS(level, msg, kv...)
	}
}

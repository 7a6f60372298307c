// Package dumpforms writes the goroutine profile of a fixture program in the form the
// program's fixture is (debug=2, to w) and, when GOMEDIC_FORMS_DIR is set, the same moment
// in the other two forms a service serves: DIR/y_NAME_debug1.txt (debug=1 text) and
// DIR/y_NAME_debug0.pb.gz (the gzipped protobuf), NAME from GOMEDIC_FORMS_NAME. The
// goroutines of interest are blocked, so the three writes see the same stacks.
package dumpforms

import (
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
)

// Write writes the debug=2 dump to w and the other forms when asked to.
func Write(w io.Writer) error {
	p := pprof.Lookup("goroutine")
	if err := p.WriteTo(w, 2); err != nil {
		return err
	}
	dir, name := os.Getenv("GOMEDIC_FORMS_DIR"), os.Getenv("GOMEDIC_FORMS_NAME")
	if dir == "" || name == "" {
		return nil
	}
	for _, f := range []struct {
		debug int
		file  string
	}{{1, "y_" + name + "_debug1.txt"}, {0, "y_" + name + "_debug0.pb.gz"}} {
		out, err := os.Create(filepath.Join(dir, f.file))
		if err != nil {
			return err
		}
		if err := p.WriteTo(out, f.debug); err != nil {
			out.Close()
			return err
		}
		if err := out.Close(); err != nil {
			return err
		}
	}
	return nil
}

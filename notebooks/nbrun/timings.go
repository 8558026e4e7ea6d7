package nbrun

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/pkg/errors"
)

// TimingsHeader is the first line of a timings file (tab-separated).
const TimingsHeader = "notebook\tmode\tseconds\tresult"

// Timing is one row of a timings file: how long a notebook ran, in which
// mode, and whether it passed ("ok") or not ("FAIL").
type Timing struct {
	Notebook, Mode string
	Seconds        float64
	Result         string
}

// RecordTiming writes t into the tab-separated timings file at path (created
// with TimingsHeader when missing): it replaces the row of the same notebook
// and mode, or appends one, and keeps every other row as it was, so that a
// run of some notebooks does not drop the timings of the others. The file is
// rewritten atomically. Rows that are not 4 tab-separated fields are kept
// verbatim.
func RecordTiming(path string, t Timing) error {
	raw, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return errors.WithStack(err)
	}
	row := fmt.Sprintf("%s\t%s\t%.0f\t%s", t.Notebook, t.Mode, t.Seconds, t.Result)
	lines := []string{TimingsHeader}
	replaced := false
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for first := true; sc.Scan(); first = false {
		line := sc.Text()
		if first && line == TimingsHeader || strings.TrimSpace(line) == "" {
			continue
		}
		if f := strings.Split(line, "\t"); len(f) == 4 && f[0] == t.Notebook && f[1] == t.Mode {
			if !replaced {
				lines = append(lines, row)
				replaced = true
			}
			continue
		}
		lines = append(lines, line)
	}
	if err := sc.Err(); err != nil {
		return errors.Wrapf(err, "nbrun: reading %s", path)
	}
	if !replaced {
		lines = append(lines, row)
	}
	return writeFileAtomic(path, []byte(strings.Join(lines, "\n")+"\n"))
}

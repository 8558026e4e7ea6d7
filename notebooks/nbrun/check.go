package nbrun

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/pkg/errors"
)

// Notebook is the part of an .ipynb (nbformat 4) that Check reads.
type Notebook struct {
	Cells []Cell `json:"cells"`
}

// Cell is one notebook cell.
type Cell struct {
	CellType       string   `json:"cell_type"`
	Source         Text     `json:"source"`
	ExecutionCount *int     `json:"execution_count"`
	Outputs        []Output `json:"outputs"`
}

// Output is one output of a code cell.
type Output struct {
	OutputType string                     `json:"output_type"` // stream, display_data, execute_result, error
	Name       string                     `json:"name"`        // stream: stdout or stderr
	Text       Text                       `json:"text"`        // stream
	Data       map[string]json.RawMessage `json:"data"`        // display_data, execute_result: by MIME type
	EName      string                     `json:"ename"`       // error
	EValue     string                     `json:"evalue"`      // error
	Traceback  []string                   `json:"traceback"`   // error
}

// Text is nbformat's multi-line string: a string or a list of strings.
type Text string

// UnmarshalJSON accepts both forms.
func (t *Text) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = Text(s)
		return nil
	}
	var parts []string
	if err := json.Unmarshal(b, &parts); err != nil {
		return errors.Errorf("nbformat text: want a string or a list of strings, got %.40s", b)
	}
	*t = Text(strings.Join(parts, ""))
	return nil
}

// Streams returns everything the cell printed (stdout and stderr, in order).
func (c Cell) Streams() string {
	var b strings.Builder
	for _, o := range c.Outputs {
		if o.OutputType == "stream" {
			b.WriteString(string(o.Text))
		}
	}
	return b.String()
}

// ReadNotebook parses the .ipynb file at path.
func ReadNotebook(path string) (*Notebook, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, errors.WithStack(err)
	}
	var nb Notebook
	if err := json.Unmarshal(raw, &nb); err != nil {
		return nil, errors.Wrapf(err, "nbrun: %s is not a valid notebook", path)
	}
	return &nb, nil
}

// MIME returns the payload of output o for mimeType as a string (nbformat
// stores it as a string or a list of lines), and whether it was present.
func (o Output) MIME(mimeType string) (string, bool) {
	raw, ok := o.Data[mimeType]
	if !ok {
		return "", false
	}
	var t Text
	if err := json.Unmarshal(raw, &t); err != nil {
		return string(raw), true // JSON payloads (application/json)
	}
	return string(t), true
}

// PNGs returns the decoded image/png outputs of every code cell, in order.
func (nb *Notebook) PNGs() ([][]byte, error) {
	var pngs [][]byte
	for i, c := range nb.Cells {
		for _, o := range c.Outputs {
			b64, ok := o.MIME("image/png")
			if !ok {
				continue
			}
			png, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(b64), ""))
			if err != nil {
				return nil, errors.Wrapf(err, "nbrun: cell %d: image/png is not base64", i+1)
			}
			pngs = append(pngs, png)
		}
	}
	return pngs, nil
}

// Failure kinds.
const (
	KindCompile = "compile error"
	KindPanic   = "panic"
	KindExit    = "non-zero exit"
	KindPrinted = "error printed"
	KindError   = "error"
	KindTimeout = "timeout"
	KindKernel  = "kernel failure"
	KindShell   = "shell command failed"
)

// Failure is one cell that went wrong.
type Failure struct {
	// Notebook is the notebook's path as given to Run or Check.
	Notebook string
	// Cell is the 1-based position of the cell in the notebook, markdown cells
	// included; CodeCell counts code cells only. Both are 0 when the failure is
	// not tied to a cell (the kernel did not start).
	Cell, CodeCell int
	// Kind is one of the Kind... constants.
	Kind string
	// Message is the first lines of what the cell printed about the failure.
	Message string
}

// Error implements error: "<notebook>: cell <n> (code cell <k>): <kind>: <message>".
func (f Failure) Error() string {
	where := f.Notebook
	if f.Cell > 0 {
		where += fmt.Sprintf(": cell %d (code cell %d)", f.Cell, f.CodeCell)
	}
	return where + ": " + f.Kind + ": " + f.Message
}

// errorLine matches output lines that report an error. A cell that prints
// one fails even when it exits normally. Matched, at the start of a line:
// "panic: ", "fatal error: ", "error:"/"Error:"/"ERROR:" (also with "!" or a
// space before the colon), "fatal:", "FAIL", and klog's error/fatal lines
// ("E1203 16:21:48.778403 ..."). Words such as "errors: 0" or "error rate"
// do not match.
var errorLine = regexp.MustCompile(`(?m)^[ \t]*(?:panic: |fatal error: |(?i:error)[ \t]*[:!]|(?i:fatal):|FAIL\b|[EF]\d{4} \d\d:\d\d:\d\d)`)

// ErrorLine returns the first line of s that reports an error, or "".
func ErrorLine(s string) string {
	loc := errorLine.FindStringIndex(s)
	if loc == nil {
		return ""
	}
	line := s[loc[0]:]
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	return strings.TrimSpace(line)
}

// gonbHTMLError marks GoNB's HTML compile-error report (kernels without
// --raw_error).
const gonbHTMLError = "gonb-err-location"

// Check inspects an executed notebook and returns one Failure per failed cell
// (see ErrorLine for what counts as a printed error). name is used in the
// failures' messages.
func Check(name string, nb *Notebook) []Failure {
	var failures []Failure
	code := 0
	for i, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		code++
		if f, failed := checkCell(c); failed {
			f.Notebook, f.Cell, f.CodeCell = name, i+1, code
			failures = append(failures, f)
		}
	}
	return failures
}

// checkCell classifies the outputs of one code cell.
func checkCell(c Cell) (Failure, bool) {
	streams := c.Streams()
	var errText, htmlErr string
	hasError := false
	for _, o := range c.Outputs {
		switch o.OutputType {
		case "error":
			hasError = true
			errText += o.EName + ": " + o.EValue + "\n" + strings.Join(o.Traceback, "\n") + "\n"
		case "display_data", "execute_result":
			if h, ok := o.MIME("text/html"); ok && strings.Contains(h, gonbHTMLError) {
				htmlErr = h
			}
		}
	}
	panicLine := panicRE.FindString(streams)

	switch {
	case hasError && isCompileError(errText):
		return Failure{Kind: KindCompile, Message: compileMessage(c.Outputs)}, true
	case htmlErr != "":
		return Failure{Kind: KindCompile, Message: firstLines(stripTags(htmlErr), 8)}, true
	case panicLine != "":
		// The kind already reads "panic": keep "fatal error: ..." whole but
		// drop a leading "panic: " so that it is not said twice.
		msg := strings.TrimPrefix(panicLine, "panic: ")
		if m := cellLineRE.FindStringSubmatch(streams); m != nil {
			msg += " (cell line " + m[1] + ")"
		}
		return Failure{Kind: KindPanic, Message: msg}, true
	case hasError && exitStatus.MatchString(errText):
		msg := exitStatus.FindString(errText)
		printed := exitStatus.ReplaceAllString(streams, "")
		if line := ErrorLine(printed); line != "" {
			msg += " after printing " + fmt.Sprintf("%q", line)
		} else if tail := lastLines(printed, 3); tail != "" {
			msg += " after printing " + fmt.Sprintf("%q", tail)
		}
		return Failure{Kind: KindExit, Message: msg}, true
	case hasError:
		return Failure{Kind: KindError, Message: firstLines(errText, 8)}, true
	}
	if status := shellStatus(c.Outputs); status != "" {
		return Failure{Kind: KindShell, Message: shellMessage(c, status)}, true
	}
	if line := ErrorLine(streams); line != "" {
		return Failure{Kind: KindPrinted, Message: line}, true
	}
	return Failure{}, false
}

// shellExitRE matches the stderr report GoNB v0.11.5 writes after a "!"
// shell command exits non-zero (internal/jpyexec Executor.Exec publishes
// cmd.Wait's error, "^C\n"-prefixed when the kernel was interrupted); the
// cell itself still completes without an error output.
var shellExitRE = regexp.MustCompile(`(?m)^(?:\^C\n)?(exit status \d+|signal: [a-z ]+)\n?$`)

// shellStatus returns the first "exit status N" (or "signal: ...") report of
// a failed shell command among the cell's stderr outputs, or "". GoNB writes
// each report as its own stderr message, so only whole outputs are matched:
// a program that prints "exit status 1" amid other output is not taken for
// one.
func shellStatus(outputs []Output) string {
	for _, o := range outputs {
		if o.OutputType != "stream" || o.Name != "stderr" {
			continue
		}
		text := strings.TrimPrefix(string(o.Text), "^C\n")
		if m := shellExitRE.FindStringSubmatch(text); m != nil && len(m[0]) == len(text) {
			return m[1]
		}
	}
	return ""
}

// shellMessage names the failed command when the cell has a single "!"
// line, and adds the first error line (else the last lines) it printed.
func shellMessage(c Cell, status string) string {
	var cmds []string
	for _, line := range strings.Split(string(c.Source), "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "//gonb:"))
		if strings.HasPrefix(line, "!") {
			cmds = append(cmds, strings.TrimSpace(strings.TrimPrefix(line[1:], "*")))
		}
	}
	msg := status
	if len(cmds) == 1 {
		msg = fmt.Sprintf("%q: %s", cmds[0], status)
	} else if len(cmds) > 1 {
		msg = fmt.Sprintf("one of %d ! commands: %s", len(cmds), status)
	}
	var printed strings.Builder
	for _, o := range c.Outputs {
		if o.OutputType == "stream" && o.Name == "stderr" && shellStatus([]Output{o}) == "" {
			printed.WriteString(string(o.Text))
		}
	}
	if tail := lastLines(printed.String(), 1); tail != "" {
		msg += " after printing " + fmt.Sprintf("%q", tail)
	}
	return msg
}

// compileMessage condenses GoNB's raw compile error report: each traceback
// entry "Cell[n]: Line k <context> <message>" becomes "line k: <message>".
func compileMessage(outputs []Output) string {
	var msgs []string
	for _, o := range outputs {
		if o.OutputType != "error" {
			continue
		}
		for _, entry := range o.Traceback {
			if m := tracebackLineRE.FindStringSubmatch(entry); m != nil {
				msgs = append(msgs, "line "+m[1]+": "+lastLines(entry, 1))
			}
		}
		if len(msgs) == 0 {
			msgs = append(msgs, firstLines(o.EValue, 8))
		}
	}
	return strings.Join(msgs, "; ")
}

var (
	exitStatus = regexp.MustCompile(`exit status \d+`)
	panicRE    = regexp.MustCompile(`(?m)^(panic: |fatal error: ).*$`)
	// cellLineRE finds GoNB's mapping of a stack frame to a cell line.
	cellLineRE = regexp.MustCompile(`\[\[ Cell \[\d+\] Line (\d+) \]\]`)
	// tracebackLineRE reads GoNB's raw compile error entries.
	tracebackLineRE = regexp.MustCompile(`^Cell\[\d+\]: Line (\d+)`)
	tagRE           = regexp.MustCompile(`<[^>]*>`)
)

// isCompileError tells GoNB's reports of failed go build / go get / goimports
// runs (and of Go syntax errors) from failures of the cell's program.
func isCompileError(s string) bool {
	for _, marker := range []string{"go build", "go get", "goimports", "# gonb_", "failed to parse"} {
		if strings.Contains(s, marker) {
			return true
		}
	}
	return false
}

func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = append(lines[:n], "...")
	}
	return strings.Join(lines, "\n")
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

func stripTags(h string) string {
	return tagRE.ReplaceAllString(h, "")
}

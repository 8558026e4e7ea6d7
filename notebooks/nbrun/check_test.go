package nbrun

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestErrorLine(t *testing.T) {
	// Expected values: by the rule documented on errorLine.
	tests := []struct {
		name, text, want string
	}{
		{"plain output", "loss 0.69\nD(x)=0.5\n", ""},
		{"errors count", "errors: 0\n", ""},
		{"error rate", "error rate 3%\n", ""},
		{"word inside line", "no error here\n", ""},
		{"Error colon", "step 1\nError: data folder not found\nmore\n", "Error: data folder not found"},
		{"lower error", "  error: bad flag\n", "error: bad flag"},
		{"ERROR bang", "ERROR! gone\n", "ERROR! gone"},
		{"panic", "panic: boom\n\ngoroutine 1\n", "panic: boom"},
		{"fatal error", "fatal error: all goroutines are asleep\n", "fatal error: all goroutines are asleep"},
		{"klog error", "I1203 16:21:48.778403 1 x.go:1] fine\nE1203 16:21:48.778403 1 x.go:2] broken\n",
			"E1203 16:21:48.778403 1 x.go:2] broken"},
		{"FAIL", "FAIL\tgithub.com/x 0.1s\n", "FAIL\tgithub.com/x 0.1s"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ErrorLine(tc.text); got != tc.want {
				t.Errorf("ErrorLine(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

// notebook builds a notebook from cells given as JSON snippets.
func notebook(t *testing.T, cells ...string) *Notebook {
	t.Helper()
	raw := `{"cells": [` + strings.Join(cells, ",") + `], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`
	var nb Notebook
	if err := json.Unmarshal([]byte(raw), &nb); err != nil {
		t.Fatalf("bad test notebook: %v\n%s", err, raw)
	}
	return &nb
}

const (
	mdCell = `{"cell_type": "markdown", "metadata": {}, "source": ["# title"]}`
	okCell = `{"cell_type": "code", "execution_count": 1, "metadata": {}, "source": "%%\nfmt.Println(1)",
		"outputs": [{"output_type": "stream", "name": "stdout", "text": ["1\n"]}]}`
)

func TestCheck(t *testing.T) {
	// The error outputs below are the shapes GoNB v0.11.5 with --raw_error
	// produced for the fixtures in ../testdata (copied from executed runs).
	tests := []struct {
		name         string
		cell         string
		wantKind     string
		wantInMsg    string
		wantCell     int // position among all cells; 0 = no failure
		wantCodeCell int
	}{
		{"passes", okCell, "", "", 0, 0},
		{"compile error", `{"cell_type": "code", "source": "", "outputs": [{"output_type": "error",
			"ename": "ERROR", "evalue": "# gonb_2ade70bf\n./main.go:11:13: undefined: undefinedVariable\n",
			"traceback": ["# gonb_2ade70bf", "Cell[2]: Line 2\n\nfunc main() {\n\n}\n\nundefined: undefinedVariable", ""]}]}`,
			KindCompile, "line 2: undefined: undefinedVariable", 3, 2},
		{"panic", `{"cell_type": "code", "source": "", "outputs": [
			{"output_type": "stream", "name": "stderr", "text": "panic: "},
			{"output_type": "stream", "name": "stderr", "text": "boom"},
			{"output_type": "stream", "name": "stderr", "text": "\n\ngoroutine 1 [running]:\nmain.main()\n"},
			{"output_type": "stream", "name": "stderr", "text": "\t \u001b[7m[[ Cell [2] Line 5 ]]\u001b[0m /tmp/gonb_1/main.go:10 +0x65\n"},
			{"output_type": "error", "ename": "ERROR", "evalue": "exit status 2", "traceback": ["exit status 2"]}]}`,
			KindPanic, "boom (cell line 5)", 3, 2},
		{"fatal error", `{"cell_type": "code", "source": "", "outputs": [
			{"output_type": "stream", "name": "stderr", "text": "fatal error: all goroutines are asleep - deadlock!\n"},
			{"output_type": "error", "ename": "ERROR", "evalue": "exit status 2", "traceback": ["exit status 2"]}]}`,
			KindPanic, "fatal error: all goroutines are asleep", 3, 2},
		// Shapes of GoNB v0.11.5 "!" commands (testdata/shell_error.ipynb run
		// by nbrun): the command's stderr, then jpyexec's own stderr message
		// "exit status N", and no error output.
		{"shell command fails", `{"cell_type": "code", "source": ["!ls /nonexistent"], "outputs": [
			{"output_type": "stream", "name": "stderr", "text": ["ls: cannot access '/nonexistent': No such file or directory\n"]},
			{"output_type": "stream", "name": "stderr", "text": ["exit status 2\n"]}]}`,
			KindShell, `"ls /nonexistent": exit status 2 after printing "ls: cannot access '/nonexistent'`, 3, 2},
		{"shell false among commands", `{"cell_type": "code", "source": ["!echo a\n", "!false\n", "!echo b"], "outputs": [
			{"output_type": "stream", "name": "stdout", "text": ["a\n"]},
			{"output_type": "stream", "name": "stderr", "text": ["exit status 1\n"]},
			{"output_type": "stream", "name": "stdout", "text": ["b\n"]}]}`,
			KindShell, "one of 3 ! commands: exit status 1", 3, 2},
		{"shell interrupted", `{"cell_type": "code", "source": ["!sleep 100"], "outputs": [
			{"output_type": "stream", "name": "stderr", "text": ["^C\nsignal: interrupt\n"]}]}`,
			KindShell, `"sleep 100": signal: interrupt`, 3, 2},
		{"exit status amid other output", `{"cell_type": "code", "source": "", "outputs": [
			{"output_type": "stream", "name": "stderr", "text": ["note: exit status 1 seen in the log\n"]},
			{"output_type": "stream", "name": "stdout", "text": ["exit status 1\n"]}]}`,
			"", "", 0, 0},
		{"exit 1", `{"cell_type": "code", "source": "", "outputs": [
			{"output_type": "stream", "name": "stdout", "text": "giving up\n"},
			{"output_type": "stream", "name": "stderr", "text": "exit status 1\n"},
			{"output_type": "error", "ename": "ERROR", "evalue": "exit status 1", "traceback": ["exit status 1"]}]}`,
			KindExit, `exit status 1 after printing "giving up"`, 3, 2},
		{"error printed", `{"cell_type": "code", "source": "", "outputs": [
			{"output_type": "stream", "name": "stdout", "text": ["step 1\n", "Error: no data\n"]}]}`,
			KindPrinted, "Error: no data", 3, 2},
		{"html compile error", `{"cell_type": "code", "source": "", "outputs": [
			{"output_type": "display_data", "metadata": {}, "data": {"text/html":
			["<span class=\"gonb-err-location\">main.go:3</span> undefined: x"]}}]}`,
			KindCompile, "undefined: x", 3, 2},
		{"png is not an error", `{"cell_type": "code", "source": "", "outputs": [
			{"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgo="}}]}`,
			"", "", 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nb := notebook(t, mdCell, okCell, tc.cell)
			failures := Check("x.ipynb", nb)
			if tc.wantCell == 0 {
				if len(failures) != 0 {
					t.Fatalf("Check = %v, want no failure", failures)
				}
				return
			}
			if len(failures) != 1 {
				t.Fatalf("Check = %v, want 1 failure", failures)
			}
			f := failures[0]
			if f.Kind != tc.wantKind || f.Cell != tc.wantCell || f.CodeCell != tc.wantCodeCell ||
				!strings.Contains(f.Message, tc.wantInMsg) {
				t.Errorf("Check = %+v, want kind %q, cell %d, code cell %d, message with %q",
					f, tc.wantKind, tc.wantCell, tc.wantCodeCell, tc.wantInMsg)
			}
			wantPrefix := "x.ipynb: cell 3 (code cell 2): " + tc.wantKind + ": "
			if !strings.HasPrefix(f.Error(), wantPrefix) {
				t.Errorf("Error() = %q, want prefix %q", f.Error(), wantPrefix)
			}
			// The kind is said once ("panic: panic: boom" was a bug).
			if twice := tc.wantKind + ": " + tc.wantKind + ":"; strings.Contains(f.Error(), twice) {
				t.Errorf("Error() = %q repeats %q", f.Error(), twice)
			}
		})
	}
}

func TestPNGs(t *testing.T) {
	// "iVBORw0KGgo=" is base64 of the 8-byte PNG signature 89 50 4E 47 0D 0A 1A 0A
	// (PNG spec, section 5.2); nbformat may split it into lines.
	nb := notebook(t, `{"cell_type": "code", "source": "", "outputs": [
		{"output_type": "display_data", "metadata": {}, "data": {"image/png": ["iVBORw0K\n", "Ggo=\n"]}}]}`)
	pngs, err := nb.PNGs()
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A}
	if len(pngs) != 1 || !bytes.Equal(pngs[0], want) {
		t.Errorf("PNGs = %x, want [%x]", pngs, want)
	}
}

func TestStrip(t *testing.T) {
	in := `{
 "cells": [
  {"cell_type": "markdown", "id": "a", "metadata": {}, "source": ["# T <b>&</b>"]},
  {"cell_type": "code", "execution_count": 7, "id": "b",
   "metadata": {"execution": {"iopub.execute_input": "2026-12-03T16:20:00Z"}, "tags": ["keep"]},
   "outputs": [
    {"output_type": "execute_result", "execution_count": 7, "data": {"text/plain": ["3"]}, "metadata": {}},
    {"output_type": "stream", "name": "stdout", "text": ["é 1.50\n"]}
   ],
   "source": ["%%\n", "fmt.Println(1)"]}
 ],
 "metadata": {"kernelspec": {"name": "gonb", "display_name": "Go (gonb)", "language": "go"},
  "language_info": {"name": "go", "version": "go1.26.8"}},
 "nbformat": 4, "nbformat_minor": 5
}`
	// Expected: hand-written in Jupyter's layout (one-space indent, sorted keys).
	want := `{
 "cells": [
  {
   "cell_type": "markdown",
   "id": "a",
   "metadata": {},
   "source": [
    "# T <b>&</b>"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": null,
   "id": "b",
   "metadata": {
    "tags": [
     "keep"
    ]
   },
   "outputs": [
    {
     "data": {
      "text/plain": [
       "3"
      ]
     },
     "execution_count": null,
     "metadata": {},
     "output_type": "execute_result"
    },
    {
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "é 1.50\n"
     ]
    }
   ],
   "source": [
    "%%\n",
    "fmt.Println(1)"
   ]
  }
 ],
 "metadata": {
  "kernelspec": {
   "display_name": "Go (gonb)",
   "language": "go",
   "name": "gonb"
  },
  "language_info": {
   "name": "go"
  }
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
`
	got, err := Strip([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("Strip:\n%s\nwant:\n%s", got, want)
	}
	again, err := Strip(got)
	if err != nil || !bytes.Equal(again, got) {
		t.Errorf("Strip is not idempotent (err %v):\n%s", err, again)
	}
	if _, err := Strip([]byte(`{"metadata": {}}`)); err == nil {
		t.Error("Strip of a notebook without cells: no error")
	}
}

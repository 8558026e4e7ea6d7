package browser_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gan-notebooks/gan/kernelext"
	"github.com/gan-notebooks/gan/notebooks/browser"
	"github.com/gan-notebooks/gan/notebooks/nbrun"
)

// widgetState is what widgetStateJS returns for the first code cell.
type widgetState struct {
	Started bool       `json:"started"` // sent to the kernel
	Done    bool       `json:"done"`    // reply and idle status received
	Selects []string   `json:"selects"` // each <select>'s value (option index)
	Options [][]string `json:"options"` // each <select>'s option texts
	Buttons []string   `json:"buttons"` // each <button>'s text
	Stdout  string     `json:"stdout"`
	Errors  []string   `json:"errors"` // error outputs and stderr streams
	Dialog  string     `json:"dialog"`
}

// widgetStateJS reads the first code cell: its widgets, its output text and
// whether the kernel finished it.
const widgetStateJS = `(() => {
  const nb = Jupyter.notebook, k = nb.kernel;
  const m = document.querySelector(".modal.in");
  const st = {started: false, done: false, selects: [], options: [], buttons: [], stdout: "",
    errors: [], dialog: m ? m.innerText.trim() : ""};
  const c = nb.get_cells().find(c => c.cell_type === "code");
  if (!c) return st;
  st.started = !!c.last_msg_id;
  const cb = c.last_msg_id && k._msg_callbacks[c.last_msg_id];
  st.done = st.started && !cb ? true : !!(cb && cb.shell_done && cb.iopub_done);
  for (const s of c.element[0].querySelectorAll(".output_area select")) {
    st.selects.push(s.value);
    st.options.push(Array.from(s.options).map(o => o.text));
  }
  for (const b of c.element[0].querySelectorAll(".output_area button")) st.buttons.push(b.innerText);
  for (const o of c.output_area.outputs) {
    if (o.output_type === "stream" && o.name === "stdout") st.stdout += o.text;
    if (o.output_type === "stream" && o.name === "stderr") st.errors.push("stderr: " + o.text);
    if (o.output_type === "error") st.errors.push(o.ename + ": " + o.evalue);
  }
  return st;
})()`

// TestWidgets drives kernelext's interactive Form in a real browser:
// testdata/widgets.ipynb builds a form with a ChoiceKnob (loss: minimax*,
// nonsaturating) and an IntKnob (width: 32*, 64, 128), * the defaults, and
// prints the values of its first run. The test runs that cell, waits for the
// two drop-downs and the Train button, picks the non-default options
// nonsaturating and 128 in the page, clicks Train, and expects the cell to
// print "run 1: loss=nonsaturating width=128": values that can only have come
// from the browser. The kernel runs without GAN_NOTEBOOK_MODE so that
// kernelext.Headless() is false. Screenshot: widgets.png in the browser
// test's artifact folder.
func TestWidgets(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Jupyter and Chromium and runs a notebook (skipped with -short)")
	}
	if err := available(); err != nil {
		if os.Getenv(nbrun.RequireEnvVar) == "1" {
			t.Fatalf("%v (%s=1: required)", err, nbrun.RequireEnvVar)
		}
		t.Skipf("%v (set %s=1 to fail instead)", err, nbrun.RequireEnvVar)
	}
	chromium, err := browser.FindChromium()
	if err != nil {
		t.Fatal(err)
	}
	out := artifactDir(t)
	dir := filepath.Join(t.TempDir(), "notebooks")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join("testdata", "widgets.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "widgets.ipynb"), b, 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// "GAN_NOTEBOOK_MODE=" overrides any value inherited from the test's
	// environment (e.g. under `make test`): Headless() tests for non-empty,
	// and the gonb kernel spec's env does not set it.
	logPath := filepath.Join(out, "widgets-jupyter.log")
	srv, err := browser.StartServer(ctx, browser.ServerOptions{Dir: dir, LogPath: logPath,
		Env: []string{"GOPROXY=off", kernelext.EnvNotebookMode + "="}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
	})

	userData := t.TempDir()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		browser.AllocatorOptions(chromium, userData, 1280, 1024)...)
	defer cancelAlloc()
	page, cancelPage := chromedp.NewContext(allocCtx)
	defer cancelPage()

	start := time.Now()
	kernel, err := browser.WidgetTestOpen(page, srv, "widgets.ipynb")
	if err != nil {
		t.Fatalf("%v\n-- jupyter log (tail):\n%s", err, srv.LogTail(30))
	}
	t.Logf("page loaded, kernel %q ready in %s", kernel, time.Since(start).Round(time.Millisecond))

	var st widgetState
	read := func() error {
		var err error
		st, err = chromedp.Run(page, chromedp.Evaluate[widgetState](widgetStateJS))
		if err == nil && st.Dialog != "" {
			err = fmt.Errorf("the notebook shows a dialog: %q", st.Dialog)
		}
		if err == nil && len(st.Errors) > 0 {
			err = fmt.Errorf("the cell reported errors: %q", st.Errors)
		}
		return err
	}
	// the screenshot is taken whatever happens
	defer func() {
		shotCtx, cancel := context.WithTimeout(page, 30*time.Second)
		defer cancel()
		shot, err := browser.WidgetTestScreenshot(shotCtx)
		if err != nil {
			t.Errorf("screenshot: %v", err)
			return
		}
		path := filepath.Join(out, "widgets.png")
		if err := os.WriteFile(path, shot, 0o644); err != nil {
			t.Error(err)
			return
		}
		t.Logf("screenshot: %s", path)
		checkScreenshot(t, shot)
	}()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s\n-- last cell state: %+v\n-- jupyter log (tail):\n%s",
			fmt.Sprintf(format, args...), st, srv.LogTail(30))
	}

	// run the code cell alone (Run All would do too: the cell just waits)
	start = time.Now()
	if _, err := chromedp.Run(page, chromedp.Evaluate[chromedp.Void](`(() => {
	  const nb = Jupyter.notebook;
	  const i = nb.get_cells().findIndex(c => c.cell_type === "code");
	  nb.select(i);
	  nb.execute_cells([i]);
	})()`)); err != nil {
		fail("running the code cell: %v", err)
	}

	// the form: 2 drop-downs at their defaults and the button. The widgets
	// must answer within kernelext.WidgetTimeout, or the form falls back to
	// its defaults and the cell finishes on its own.
	formCtx, cancelForm := context.WithTimeout(page, 45*time.Second)
	defer cancelForm()
	err = browser.WidgetTestPoll(formCtx, 200*time.Millisecond, func() (bool, error) {
		if err := read(); err != nil {
			return false, err
		}
		if st.Done || st.Stdout != "" {
			return false, fmt.Errorf("the cell finished before any click (widgets not acknowledged?)")
		}
		return len(st.Selects) == 2 && len(st.Buttons) == 1, nil
	})
	if err != nil {
		fail("waiting for the form: %v", err)
	}
	t.Logf("form shown %s after running the cell", time.Since(start).Round(time.Millisecond))
	wantOptions := [][]string{{"minimax", "nonsaturating"}, {"32", "64", "128"}}
	if fmt.Sprint(st.Options) != fmt.Sprint(wantOptions) {
		t.Errorf("drop-down options %q, want %q", st.Options, wantOptions)
	}
	// defaults: index 0 in both (minimax, 32), as the notebook declares
	if fmt.Sprint(st.Selects) != "[0 0]" {
		t.Errorf("drop-downs start at option indices %v, want [0 0]", st.Selects)
	}
	if st.Buttons[0] != "Train" {
		t.Errorf("button %q, want \"Train\"", st.Buttons[0])
	}

	// pick nonsaturating (index 1) and 128 (index 2) as a person would: a
	// change of the select's value fires "input" and "change"
	if _, err := chromedp.Run(page, chromedp.Evaluate[chromedp.Void](`(() => {
	  const c = Jupyter.notebook.get_cells().find(c => c.cell_type === "code");
	  const sels = c.element[0].querySelectorAll(".output_area select");
	  [["1"], ["2"]].forEach(([v], i) => {
	    sels[i].value = v;
	    sels[i].dispatchEvent(new Event("input", {bubbles: true}));
	    sels[i].dispatchEvent(new Event("change", {bubbles: true}));
	  });
	})()`)); err != nil {
		fail("choosing options: %v", err)
	}
	// the selection travels to the kernel on its own comm messages; leave it
	// the moment a person would take to reach the button
	time.Sleep(500 * time.Millisecond)
	if err := chromedp.Do(page, chromedp.Click(chromedp.CSS(".output_area button"))); err != nil {
		fail("clicking Train: %v", err)
	}

	const want = "run 1: loss=nonsaturating width=128"
	runCtx, cancelRun := context.WithTimeout(page, 20*time.Second)
	defer cancelRun()
	err = browser.WidgetTestPoll(runCtx, 200*time.Millisecond, func() (bool, error) {
		if err := read(); err != nil {
			return false, err
		}
		return st.Done, nil
	})
	if err != nil {
		fail("waiting for the cell to finish after the click: %v", err)
	}
	t.Logf("cell done %s after running it; stdout %q", time.Since(start).Round(time.Millisecond), st.Stdout)
	if got := strings.TrimSpace(st.Stdout); got != want {
		t.Errorf("cell printed %q, want %q (the options chosen in the page)", got, want)
	}
}

package browser

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/pkg/errors"
	"k8s.io/klog/v2"
)

// Options configures RunNotebook.
type Options struct {
	// Chromium is the browser binary; "" means FindChromium.
	Chromium string
	// Timeout bounds loading the page, starting the kernel and running every
	// cell; 0 means 5 minutes.
	Timeout time.Duration
	// Width and Height are the browser window size in CSS pixels; 0 means
	// 1280 × 1024. The screenshot is Width wide and as tall as the notebook.
	Width, Height int
	// Logf, if not nil, receives progress lines (page loaded, kernel ready,
	// cells done).
	Logf func(format string, args ...any)
}

// Report is what the page showed after running every cell.
type Report struct {
	// Cells holds every cell of the notebook, in order.
	Cells []Cell
	// Screenshot is a PNG of the whole notebook (the page is unrolled so that
	// nothing is cut off at the window's bottom); nil when it failed.
	Screenshot []byte
	// Console holds the page's console errors (not warnings) and uncaught
	// exceptions, at most 50, for diagnosis.
	Console []string
	// Load is the time to load the page and connect to a ready kernel; Run
	// the time from Cell → Run All until every cell was done.
	Load, Run time.Duration
}

// Cell is one notebook cell as the page shows it.
type Cell struct {
	// Index is the position among all cells (0-based); Type is "code",
	// "markdown" or "raw".
	Index int
	Type  string
	// Prompt is the execution count shown in the input prompt ("3"), "*"
	// while running, "" when never run (or aborted). Only code cells.
	Prompt string
	// Done reports that the kernel answered the cell's execute request and
	// finished its output (status idle). Only code cells.
	Done bool
	// Outputs are the cell's outputs as the front end holds them.
	Outputs []Output
	// Images are the <img> elements in the cell's output area.
	Images []Image
	// SVGs are the outermost <svg> elements in the cell's output area.
	SVGs []SVG
}

// Output is one output of a code cell, from the front end's model.
type Output struct {
	// Type is the nbformat output_type: "stream", "display_data",
	// "execute_result" or "error".
	Type string
	// MIMETypes are the keys of the output's data (display_data and
	// execute_result), e.g. ["image/png"].
	MIMETypes []string
	// Text is the stream's text ("stdout: ..." / "stderr: ..."), or for an
	// error "ename: evalue".
	Text string
}

// Image is one <img> element as the browser laid it out and decoded it.
type Image struct {
	// Src is the src attribute (for a notebook output, a data: URL).
	Src string
	// Complete and NaturalWidth/NaturalHeight are the element's properties
	// after the browser decoded it: a broken image has natural size 0.
	Complete                    bool
	NaturalWidth, NaturalHeight int
	// Width and Height are the laid-out size in CSS pixels.
	Width, Height float64
	// Decoded is the bitmap the browser decoded, drawn on a canvas of the
	// natural size and exported as PNG (nil for a broken image).
	Decoded []byte
}

// MIMEType returns the media type of a data: URL source ("image/png"), or ""
// when Src is not a data: URL.
func (im Image) MIMEType() string {
	rest, ok := strings.CutPrefix(im.Src, "data:")
	if !ok {
		return ""
	}
	mime, _, _ := strings.Cut(rest, ";")
	mime, _, _ = strings.Cut(mime, ",")
	return mime
}

// Data returns the bytes of a base64 data: URL source.
func (im Image) Data() ([]byte, error) {
	head, payload, ok := strings.Cut(im.Src, ",")
	if !ok || !strings.HasPrefix(head, "data:") || !strings.HasSuffix(head, ";base64") {
		return nil, errors.Errorf("browser: img src %.40q… is not a base64 data: URL", im.Src)
	}
	return base64.StdEncoding.DecodeString(payload)
}

// SVG is one inline <svg> element as the browser laid it out.
type SVG struct {
	// Width and Height are the laid-out size in CSS pixels.
	Width, Height float64
	// Elements is the number of elements inside (paths, texts, groups...).
	Elements int
	// Text is the text content (titles, axis labels, tick labels).
	Text string
}

// Errors returns the error outputs of every cell, "cell N: ename: evalue",
// and stderr streams.
func (r *Report) Errors() []string {
	var errs []string
	for _, c := range r.Cells {
		for _, o := range c.Outputs {
			if o.Type == "error" || strings.HasPrefix(o.Text, "stderr:") {
				errs = append(errs, fmt.Sprintf("cell %d: %s", c.Index, o.Text))
			}
		}
	}
	return errs
}

// RunNotebook opens the notebook at path (relative to the server's Dir) in
// headless Chromium, waits for its kernel, runs every cell from the menu
// (Cell → Run All), waits until each code cell is done, and reports what the
// page shows, with a screenshot. On a timeout or a failure after the page
// loaded it returns the error together with a partial report (cells and
// screenshot as they were), for diagnosis.
func RunNotebook(ctx context.Context, srv *Server, path string, opts Options) (*Report, error) {
	if opts.Chromium == "" {
		var err error
		if opts.Chromium, err = FindChromium(); err != nil {
			return nil, err
		}
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Minute
	}
	if opts.Width <= 0 || opts.Height <= 0 {
		opts.Width, opts.Height = 1280, 1024
	}
	logf := opts.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	userData, err := os.MkdirTemp("", "gan-chromium-")
	if err != nil {
		return nil, errors.Wrap(err, "browser: creating Chromium's user data folder")
	}
	defer os.RemoveAll(userData)

	// the browser lives until the end of this call (or ctx's end): the
	// deadline applies to the work, so a screenshot can still be taken after it
	flags := AllocatorOptions(opts.Chromium, userData, opts.Width, opts.Height)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, flags...)
	defer cancelAlloc()
	console := &consoleLog{}
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx,
		chromedp.WithListener(console.listen),
		chromedp.WithLogf(klog.V(2).Infof), chromedp.WithErrorf(klog.V(1).Infof))
	defer cancelBrowser()
	if err := chromedp.Do(browserCtx); err != nil {
		return nil, errors.Wrapf(err, "browser: starting %s", opts.Chromium)
	}

	report := &Report{}
	workCtx, cancelWork := context.WithTimeout(browserCtx, opts.Timeout)
	defer cancelWork()
	runErr := runAll(workCtx, srv, path, report, logf)
	if runErr != nil && workCtx.Err() != nil {
		runErr = errors.Wrapf(runErr, "browser: %s: not done within %s", path, opts.Timeout)
	}

	// read the page and take the screenshot even after a failure
	finalCtx, cancelFinal := context.WithTimeout(browserCtx, time.Minute)
	defer cancelFinal()
	collect := chromedp.Evaluate[[]Cell](collectJS, chromedp.EvalAwaitPromise)
	if cells, err := chromedp.Run(finalCtx, collect); err == nil {
		report.Cells = cells
	} else if runErr == nil {
		runErr = errors.Wrapf(err, "browser: %s: reading the cells", path)
	}
	if shot, err := screenshot(finalCtx); err == nil {
		report.Screenshot = shot
	} else if runErr == nil {
		runErr = errors.Wrapf(err, "browser: %s: screenshot", path)
	}
	report.Console = console.lines()
	return report, runErr
}

// AllocatorOptions are the Chromium flags RunNotebook uses: headless, no
// sandbox (the tests may run as root), no GPU, a fresh user data folder, and
// every background service that would try to reach the network turned off
// (without them a closed network refuses Chromium's connections many times
// and slows it down).
func AllocatorOptions(chromium, userDataDir string, width, height int) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(userDataDir),
		chromedp.WindowSize(width, height),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
	}
}

// kernelTimeout bounds the wait for the page and a ready kernel.
const kernelTimeout = 2 * time.Minute

// openNotebook navigates the current tab of ctx (a chromedp context) to the
// notebook at path and waits, at most kernelTimeout, until the notebook is
// loaded and its kernel is connected and idle. It returns the kernel's name.
func openNotebook(ctx context.Context, srv *Server, path string) (string, error) {
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.NotebookURL(path))); err != nil {
		return "", errors.Wrapf(err, "browser: opening %s", srv.NotebookURL(path))
	}
	// a kernel starts in seconds: don't wait the whole timeout for one that
	// will not
	loadCtx, cancel := context.WithTimeout(ctx, kernelTimeout)
	defer cancel()
	var last kernelState
	err := poll(loadCtx, 250*time.Millisecond, func() (bool, error) {
		var err error
		last, err = chromedp.Run(loadCtx, chromedp.Evaluate[kernelState](kernelStateJS))
		if err == nil && last.Dialog != "" {
			err = errors.Errorf("the notebook shows a dialog: %q", last.Dialog)
		}
		return last.Ready, err
	})
	if err != nil {
		return "", errors.Wrapf(err, "browser: %s: waiting for the notebook and its kernel "+
			"(last state: %+v)", path, last)
	}
	return last.Kernel, nil
}

// runAll loads the page, waits for the kernel, clicks Cell → Run All and
// waits until every code cell is done.
func runAll(ctx context.Context, srv *Server, path string, report *Report, logf func(string, ...any)) error {
	start := time.Now()
	kernel, err := openNotebook(ctx, srv, path)
	if err != nil {
		return err
	}
	report.Load = time.Since(start)
	logf("%s: page loaded, kernel %q ready (%s)", path, kernel, report.Load.Round(time.Millisecond))

	// Cell → Run All, as a person would
	start = time.Now()
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("celllink")),
		chromedp.Click(chromedp.CSS("#run_all_cells > a")),
	); err != nil {
		return errors.Wrapf(err, "browser: %s: clicking Cell → Run All", path)
	}
	var st runState
	err = poll(ctx, 250*time.Millisecond, func() (bool, error) {
		var err error
		st, err = chromedp.Run(ctx, chromedp.Evaluate[runState](runStateJS))
		if err != nil {
			return false, err
		}
		if st.Dialog != "" {
			return false, errors.Errorf("the notebook shows a dialog: %q", st.Dialog)
		}
		if st.Code > 0 && st.Started == 0 {
			if time.Since(start) > 10*time.Second {
				return false, errors.New("no code cell started 10 s after Cell → Run All")
			}
			return false, nil
		}
		return st.Done == st.Started && st.Running == 0 && !st.Busy, nil
	})
	report.Run = time.Since(start)
	if err != nil {
		return errors.Wrapf(err, "browser: %s: running the cells (%d code cells, %d started, %d done)",
			path, st.Code, st.Started, st.Done)
	}
	logf("%s: %d code cells run in %s", path, st.Code, report.Run.Round(time.Millisecond))
	return nil
}

// poll calls cond every interval until it returns true or an error, or ctx
// ends.
func poll(ctx context.Context, interval time.Duration, cond func() (bool, error)) error {
	for {
		ok, err := cond()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(interval):
		}
	}
}

// screenshot unrolls the notebook (the classic UI scrolls inside #site, so a
// plain full-page capture would stop at the window's bottom) and captures
// the whole page as PNG.
func screenshot(ctx context.Context) ([]byte, error) {
	_, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](unrollJS, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, err
	}
	return chromedp.Run(ctx, chromedp.FullScreenshot(100))
}

// consoleLog keeps the page's console errors and exceptions.
type consoleLog struct {
	mu      sync.Mutex
	entries []string
}

func (c *consoleLog) add(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) < 50 {
		c.entries = append(c.entries, s)
	}
}

func (c *consoleLog) listen(ev any) {
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError {
			return
		}
		var parts []string
		for _, a := range ev.Args {
			if len(a.Value) > 0 {
				parts = append(parts, string(a.Value))
			} else {
				parts = append(parts, a.Description)
			}
		}
		c.add(fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " ")))
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		c.add(fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber, msg))
	}
}

func (c *consoleLog) lines() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.entries...)
}

// kernelState is what kernelStateJS returns.
type kernelState struct {
	Loaded bool   `json:"loaded"`
	Kernel string `json:"kernel"`
	Ready  bool   `json:"ready"`
	Dialog string `json:"dialog"`
}

// dialogJS is an expression: the title and text of the modal dialog the
// notebook shows (kernel not found, kernel died, ...), or "".
const dialogJS = `((m) => m ? ((m.querySelector(".modal-title") || {}).innerText + ": " +
  (m.querySelector(".modal-body") || {}).innerText).trim() : "")(document.querySelector(".modal.in"))`

const kernelStateJS = `(() => {
  const dialog = ` + dialogJS + `;
  const nb = window.Jupyter && Jupyter.notebook;
  if (!nb || !nb._fully_loaded) return {loaded: false, kernel: "", ready: false, dialog: dialog};
  const k = nb.kernel;
  const name = (k && k.name) || "";
  const ready = !!(k && k.is_connected() && k.info_reply && k.info_reply.status === "ok" &&
    !nb.kernel_busy);
  return {loaded: true, kernel: name, ready: ready, dialog: dialog};
})()`

// runState is what runStateJS returns: counts of code cells.
type runState struct {
	Code    int  `json:"code"`    // code cells with source
	Started int  `json:"started"` // sent to the kernel
	Done    int  `json:"done"`    // reply and idle status received
	Running int  `json:"running"` // with the "running" class
	Busy    bool `json:"busy"`    // kernel busy
	// Dialog is the modal dialog shown, if any (kernel died, restarting).
	Dialog string `json:"dialog"`
}

const runStateJS = `(() => {
  const nb = Jupyter.notebook, k = nb.kernel;
  const st = {code: 0, started: 0, done: 0, running: 0, busy: !!nb.kernel_busy,
    dialog: ` + dialogJS + `};
  for (const c of nb.get_cells()) {
    if (c.cell_type !== "code" || c.get_text().trim() === "") continue;
    st.code++;
    if (c.element.hasClass("running")) st.running++;
    if (!c.last_msg_id) continue;
    st.started++;
    const cb = k._msg_callbacks[c.last_msg_id];
    if (cb && cb.shell_done && cb.iopub_done) st.done++;
  }
  return st;
})()`

// collectJS reads every cell: its prompt, outputs, images (decoded through a
// canvas) and outermost SVGs. It returns a promise (images are awaited).
const collectJS = `(async () => {
  const nb = Jupyter.notebook, k = nb.kernel;
  const cells = [];
  const all = nb.get_cells();
  for (let i = 0; i < all.length; i++) {
    const c = all[i], el = c.element[0];
    const r = {Index: i, Type: c.cell_type, Prompt: "", Done: false, Outputs: [], Images: [], SVGs: []};
    if (c.cell_type === "code") {
      const p = c.input_prompt_number;
      r.Prompt = (p === undefined || p === null) ? "" : String(p);
      const cb = c.last_msg_id && k && k._msg_callbacks[c.last_msg_id];
      r.Done = !!(cb && cb.shell_done && cb.iopub_done);
      for (const o of c.output_area.outputs) {
        const out = {Type: o.output_type, MIMETypes: o.data ? Object.keys(o.data).sort() : [], Text: ""};
        if (o.output_type === "stream") out.Text = o.name + ": " + o.text;
        if (o.output_type === "error") out.Text = o.ename + ": " + o.evalue;
        r.Outputs.push(out);
      }
      for (const img of el.querySelectorAll(".output_area img")) {
        try { await img.decode(); } catch (e) {}
        const box = img.getBoundingClientRect();
        const im = {Src: img.getAttribute("src") || "", Complete: img.complete,
          NaturalWidth: img.naturalWidth, NaturalHeight: img.naturalHeight,
          Width: box.width, Height: box.height, Decoded: null};
        if (img.naturalWidth > 0 && img.naturalHeight > 0) {
          const cv = document.createElement("canvas");
          cv.width = img.naturalWidth; cv.height = img.naturalHeight;
          cv.getContext("2d").drawImage(img, 0, 0);
          im.Decoded = cv.toDataURL("image/png").split(",")[1];
        }
        r.Images.push(im);
      }
      for (const svg of el.querySelectorAll(".output_area svg")) {
        if (svg.parentElement && svg.parentElement.closest("svg")) continue;
        const box = svg.getBoundingClientRect();
        r.SVGs.push({Width: box.width, Height: box.height,
          Elements: svg.querySelectorAll("*").length, Text: svg.textContent});
      }
    }
    cells.push(r);
  }
  return cells;
})()`

// unrollJS lets the page grow to the notebook's height, so a full-page
// screenshot shows every cell, and waits two frames for the layout.
const unrollJS = `(async () => {
  for (const sel of ["html", "body", "#site", "#ipython-main-app", "#notebook_panel", "#notebook"]) {
    const e = document.querySelector(sel);
    if (e) { e.style.height = "auto"; e.style.overflow = "visible"; }
  }
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
})()`

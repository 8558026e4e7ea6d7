package kernelext_test

// Notebook-level acceptance tests: real GoNB notebooks executed headless
// through Jupyter (nbrun), then judged from the saved .ipynb.
//
//   - TestNotebookOutputs runs testdata/outputs.ipynb and checks that each
//     kind of output persisted in the saved notebook: the PNG sample grid,
//     the SVG plot, the HTML table and the final static state of a LiveView.
//   - TestNotebookInterrupt runs testdata/interrupt.ipynb, interrupts the
//     kernel while its training cell runs (as Jupyter's "interrupt" button
//     does) and checks the checkpoint that cell leaves.
//
// Both need Jupyter (python3-nbclient) and the gonb tools; they skip when
// those are missing unless GAN_NOTEBOOK_REQUIRE=1, and skip under -short.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	_ "image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gan-notebooks/gan/data"
	"github.com/gan-notebooks/gan/ganlib"
	"github.com/gan-notebooks/gan/kernelext"
	"github.com/gan-notebooks/gan/notebooks/nbrun"
)

// pngSignature is the 8-byte PNG file signature (PNG spec, section 5.2).
var pngSignature = []byte{0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A}

// requireNotebooks skips the test under -short or when Jupyter/GoNB are not
// installed (failing instead when GAN_NOTEBOOK_REQUIRE=1), and returns the
// checkout the kernel builds cells from.
func requireNotebooks(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("executes a notebook with Jupyter and GoNB (skipped with -short)")
	}
	if err := nbrun.Available(); err != nil {
		if os.Getenv(nbrun.RequireEnvVar) == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	repo, err := nbrun.FindRepo(".")
	if err != nil {
		t.Fatal(err)
	}
	return repo
}

// findCell returns the code cell whose source starts with "// cell: <name>".
func findCell(t *testing.T, nb *nbrun.Notebook, name string) nbrun.Cell {
	t.Helper()
	for _, c := range nb.Cells {
		if c.CellType == "code" && strings.HasPrefix(string(c.Source), "// cell: "+name+"\n") {
			return c
		}
	}
	t.Fatalf("no code cell %q in the executed notebook", name)
	return nbrun.Cell{}
}

// decodePNGOutput decodes an image/png output: base64 (line breaks allowed)
// of a file starting with the PNG signature; it returns the image size.
func decodePNGOutput(t *testing.T, o nbrun.Output) (w, h int) {
	t.Helper()
	b64, ok := o.MIME("image/png")
	if !ok {
		t.Fatalf("output %s has no image/png", o.OutputType)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(b64), ""))
	if err != nil {
		t.Fatalf("image/png is not base64: %v", err)
	}
	if !bytes.HasPrefix(raw, pngSignature) {
		t.Fatalf("image/png starts with % x, want the PNG signature % x", raw[:min(8, len(raw))], pngSignature)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(raw))
	if err != nil || format != "png" {
		t.Fatalf("image/png does not decode as PNG: format %q, err %v", format, err)
	}
	return cfg.Width, cfg.Height
}

func outputsText(c nbrun.Cell) string {
	var b strings.Builder
	for i, o := range c.Outputs {
		fmt.Fprintf(&b, "  [%d] %s", i, o.OutputType)
		for mime := range o.Data {
			fmt.Fprintf(&b, " %s", mime)
		}
		if o.OutputType == "stream" {
			fmt.Fprintf(&b, " %q", string(o.Text))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestNotebookOutputs executes testdata/outputs.ipynb through Jupyter and
// GoNB and checks the saved notebook for every kind of output kernelext
// produces (issue 5's acceptance test).
func TestNotebookOutputs(t *testing.T) {
	repo := requireNotebooks(t)
	res, err := nbrun.Run(context.Background(), filepath.Join("testdata", "outputs.ipynb"), nbrun.Options{
		Mode: nbrun.Quick, OutDir: t.TempDir(), Repo: repo, Timeout: 5 * time.Minute,
	})
	if err != nil {
		t.Fatalf("running the notebook: %v", err)
	}
	t.Logf("executed in %s", res.Duration.Round(time.Millisecond))
	nb, err := nbrun.ReadNotebook(res.Output)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("grid PNG", func(t *testing.T) {
		c := findCell(t, nb, "grid")
		// The notebook shows 6 samples of 8x8 with GridOptions{Cols: 3,
		// Scale: 2}. By hand (Layout's doc): width (3*8 + 4*1)*2 = 56,
		// height (2 rows*8 + 3*1)*2 = 38; Layout must agree.
		want := kernelext.GridOptions{Cols: 3, Scale: 2}.Layout(6, 8, 8)
		if want.Width != 56 || want.Height != 38 {
			t.Fatalf("Layout(6, 8, 8) = %dx%d, hand derivation 56x38", want.Width, want.Height)
		}
		n := 0
		for _, o := range c.Outputs {
			if _, ok := o.Data["image/png"]; !ok {
				continue
			}
			n++
			if w, h := decodePNGOutput(t, o); w != want.Width || h != want.Height {
				t.Errorf("grid PNG is %dx%d, want %dx%d", w, h, want.Width, want.Height)
			}
			if o.OutputType != "display_data" {
				t.Errorf("grid PNG is a %s output, want display_data", o.OutputType)
			}
		}
		if n != 1 {
			t.Errorf("%d image/png outputs, want 1; outputs:\n%s", n, outputsText(c))
		}
	})

	t.Run("SVG plot", func(t *testing.T) {
		c := findCell(t, nb, "svg")
		found := false
		for _, o := range c.Outputs {
			for _, mime := range []string{"image/svg+xml", "text/html"} {
				if s, ok := o.MIME(mime); ok && strings.Contains(s, "<svg") {
					found = true
					// gonum/plot writes the title and the legend as text
					for _, want := range []string{"Objectives", "D loss", "G loss"} {
						if !strings.Contains(s, want) {
							t.Errorf("SVG lacks %q", want)
						}
					}
				}
			}
		}
		if !found {
			t.Errorf("no image/svg+xml or text/html output with <svg; outputs:\n%s", outputsText(c))
		}
	})

	t.Run("HTML table", func(t *testing.T) {
		c := findCell(t, nb, "table")
		found := false
		for _, o := range c.Outputs {
			s, ok := o.MIME("text/html")
			if !ok || !strings.Contains(s, "<table") {
				continue
			}
			found = true
			for _, want := range []string{">Model</th>", ">MNIST</th>", ">Adversarial nets</td>",
				">225 ± 2</td>", ">Parzen log-likelihood (excerpt)</caption>"} {
				if !strings.Contains(s, want) {
					t.Errorf("table HTML lacks %q:\n%s", want, s)
				}
			}
		}
		if !found {
			t.Errorf("no text/html output with <table; outputs:\n%s", outputsText(c))
		}
	})

	t.Run("live view final state", func(t *testing.T) {
		c := findCell(t, nb, "live")
		outs := c.Outputs
		if len(outs) < 3 {
			t.Fatalf("%d outputs, want at least 3 (table, metrics PNG, grid PNG); outputs:\n%s",
				len(outs), outputsText(c))
		}
		// Finish clears the transient block (update_display_data to ""),
		// so no live frame ("<b>tiny run</b> step ...") may remain.
		for i, o := range outs {
			if s, ok := o.MIME("text/html"); ok && strings.Contains(s, "<b>tiny run</b> step") {
				t.Errorf("output %d still holds a transient live frame:\n%.300s", i, s)
			}
		}
		// The live block itself was shown before them (a display_data that
		// nbclient keeps and updates in place by its display_id), and now
		// holds the empty HTML Finish left in it.
		live := 0
		for _, o := range outs[:len(outs)-3] {
			if s, ok := o.MIME("text/html"); ok && o.OutputType == "display_data" {
				live++
				if strings.TrimSpace(s) != "" {
					t.Errorf("live block holds %.200q after Finish, want it cleared", s)
				}
			}
		}
		if live != 1 {
			t.Errorf("%d live blocks before the final outputs, want 1; outputs:\n%s", live, outputsText(c))
		}
		// The last three outputs are Finish's static ones, in order: the
		// final metrics table, the metric plots (PNG), the sample grid (PNG).
		last := outs[len(outs)-3:]
		for i, o := range last {
			if o.OutputType != "display_data" {
				t.Errorf("final output %d is %s, want display_data", i, o.OutputType)
			}
		}
		table, ok := last[0].MIME("text/html")
		if !ok {
			t.Fatalf("third-to-last output is not HTML; outputs:\n%s", outputsText(c))
		}
		// Step 6's metrics as the notebook computes them: D loss 1.4-0.05*6,
		// G loss 0.7+0.02*6, D(x) 0.5+0.01*6, D(G(z)) 0.5-0.01*6.
		s := 6.0 // a variable, so the arithmetic rounds as the notebook's does
		for _, want := range []string{"<table", "tiny run (final)", ">step</th>", ">D loss</th>",
			">G loss</th>", ">mean D(x)</th>", ">mean D(G(z))</th>", ">6</td>",
			">" + kernelext.FormatNumber(1.4-0.05*s) + "</td>", ">" + kernelext.FormatNumber(0.7+0.02*s) + "</td>",
			">" + kernelext.FormatNumber(0.5+0.01*s) + "</td>", ">" + kernelext.FormatNumber(0.5-0.01*s) + "</td>"} {
			if !strings.Contains(table, want) {
				t.Errorf("final table lacks %q:\n%s", want, table)
			}
		}
		if w, h := decodePNGOutput(t, last[1]); w < 100 || h < 100 {
			t.Errorf("metrics PNG is %dx%d, want a plot (>= 100x100)", w, h)
		}
		// 4 samples of 8x8, Cols 2, pad 1, scale 1: (2*8+3) x (2*8+3) = 19x19.
		want := kernelext.GridOptions{Cols: 2}.Layout(4, 8, 8)
		if want.Width != 19 || want.Height != 19 {
			t.Fatalf("Layout(4, 8, 8) = %dx%d, hand derivation 19x19", want.Width, want.Height)
		}
		if w, h := decodePNGOutput(t, last[2]); w != want.Width || h != want.Height {
			t.Errorf("final grid PNG is %dx%d, want %dx%d", w, h, want.Width, want.Height)
		}
	})
}

// stripesImages is the synthetic training set of testdata/interrupt.ipynb
// (function stripes there; keep the two in step): n 28x28 images in [0, 1].
func stripesImages(n int) *data.Images {
	imgs := &data.Images{N: n, H: 28, W: 28, C: 1, Pix: make([]float32, n*28*28), Range: data.RangeUnit}
	for i := 0; i < n; i++ {
		for y := 0; y < 28; y++ {
			for x := 0; x < 28; x++ {
				v := 0.5 + 0.5*math.Sin(float64(x+(i%5)*y)/3)
				imgs.Pix[(i*28+y)*28+x] = float32(v)
			}
		}
	}
	return imgs
}

// interruptScript sends one interrupt_request on the kernel's control
// channel, as jupyter_client's KernelManager.interrupt_kernel does for
// kernels with interrupt_mode "message" (GoNB), prints "sent", and keeps the
// socket open a moment so the message leaves. Like Jupyter it does not wait
// for the interrupt_reply: GoNB v0.11.5 sends that reply on the shell socket
// (kernel.MessageImpl.Reply), so a client on the control channel never sees it.
const interruptScript = `
import sys, time
from jupyter_client import BlockingKernelClient
kc = BlockingKernelClient(connection_file=sys.argv[1])
kc.load_connection_file()
sock = kc.connect_control()
kc.session.send(sock, kc.session.msg("interrupt_request", content={}))
print("sent", flush=True)
time.sleep(1)
sock.close(linger=1000)
`

// connectionFile returns the connection file named on GoNB's command line
// ("--kernel <file>"), read from /proc/<pid>/cmdline.
func connectionFile(pid int) (string, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return "", err
	}
	args := strings.Split(strings.TrimRight(string(raw), "\x00"), "\x00")
	if len(args) == 0 || !strings.Contains(filepath.Base(args[0]), "gonb") {
		return "", fmt.Errorf("process %d is %q, not gonb", pid, args)
	}
	for i, a := range args {
		if a == "--kernel" && i+1 < len(args) {
			return args[i+1], nil
		}
		if v, ok := strings.CutPrefix(a, "--kernel="); ok {
			return v, nil
		}
	}
	return "", fmt.Errorf("gonb's command line %q has no --kernel", args)
}

// running reports whether process pid exists and is not a zombie.
func running(pid int) bool {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// state is the field after "(comm)"
	s := string(raw)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] != 'Z'
	}
	return syscall.Kill(pid, 0) == nil
}

// goNBKillDelay is GoNB's deadline between the SIGINT it forwards to a cell
// and SIGKILL (jpyexec.WaitToKill in GoNB v0.11.5: 5 s).
const goNBKillDelay = 5 * time.Second

// TestNotebookInterrupt executes testdata/interrupt.ipynb, interrupts the
// kernel while its training cell runs, and checks that the cell stopped in
// time with a checkpoint at the last step it completed, which loads here and
// in the notebook's next cell (issue 5's acceptance test).
func TestNotebookInterrupt(t *testing.T) {
	repo := requireNotebooks(t)
	if runtime.GOOS != "linux" {
		t.Skip("finds the kernel through /proc (Linux only)")
	}
	// The interpreter nbrun prefers, if it has jupyter_client (nbclient's
	// dependency).
	python := ""
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import jupyter_client").Run() == nil {
			python = p
			break
		}
	}
	if python == "" {
		t.Fatal("no python3 with jupyter_client, although nbrun.Available found nbclient")
	}
	tmp := t.TempDir()
	ckptDir, marker := filepath.Join(tmp, "ckpt"), filepath.Join(tmp, "started")

	type runResult struct {
		res *nbrun.Result
		err error
	}
	done := make(chan runResult, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		res, err := nbrun.Run(ctx, filepath.Join("testdata", "interrupt.ipynb"), nbrun.Options{
			Mode: nbrun.Quick, OutDir: filepath.Join(tmp, "out"), Repo: repo, Timeout: 4 * time.Minute,
			Env: []string{"GAN_INTERRUPT_CKPT=" + ckptDir, "GAN_INTERRUPT_MARKER=" + marker},
		})
		done <- runResult{res, err}
	}()

	// Wait for the training cell to report it is past step 3.
	var pid, gonbPID int
	deadline := time.After(4 * time.Minute)
	for pid == 0 {
		select {
		case r := <-done:
			t.Fatalf("notebook ended before the training cell started: %v", r.err)
		case <-deadline:
			t.Fatal("training cell did not start within 4 minutes")
		case <-time.After(50 * time.Millisecond):
		}
		raw, err := os.ReadFile(marker)
		if err != nil {
			continue
		}
		if _, err := fmt.Sscan(string(raw), &pid, &gonbPID); err != nil {
			t.Fatalf("marker %q: %v", raw, err)
		}
	}
	conn, err := connectionFile(gonbPID)
	if err != nil {
		t.Fatal(err)
	}

	// Interrupt as Jupyter does, then time the cell's exit from the moment
	// the request was sent.
	cmd := exec.Command(python, "-c", interruptScript, conn)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", python, err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	sent := time.Now()
	if line != "sent\n" {
		err := cmd.Wait()
		t.Fatalf("sending interrupt_request: %v (stdout %q)\n%s", err, line, stderr.String())
	}
	for running(pid) && time.Since(sent) < 2*goNBKillDelay {
		time.Sleep(10 * time.Millisecond)
	}
	stopped := time.Since(sent)
	if err := cmd.Wait(); err != nil {
		t.Errorf("interrupt script: %v\n%s", err, stderr.String())
	}
	t.Logf("cell process %d exited %s after the interrupt_request", pid, stopped.Round(time.Millisecond))
	if stopped >= goNBKillDelay {
		t.Errorf("cell took %s to exit after the interrupt, GoNB kills it after %s", stopped, goNBKillDelay)
	}

	var r runResult
	select {
	case r = <-done:
	case <-time.After(3 * time.Minute):
		t.Fatal("notebook did not finish within 3 minutes of the interrupt")
	}
	if r.err != nil {
		t.Fatalf("notebook failed: %v", r.err)
	}
	t.Logf("notebook executed in %s", r.res.Duration.Round(time.Millisecond))
	nb, err := nbrun.ReadNotebook(r.res.Output)
	if err != nil {
		t.Fatal(err)
	}

	// The training cell stopped itself: it printed its last completed step
	// and showed the interrupted notice; no kill, no "^C" error from GoNB.
	train := findCell(t, nb, "train")
	streams := train.Streams()
	m := regexp.MustCompile(`interrupted: last completed step (\d+) \(kernelext: interrupted by interrupt\)`).
		FindStringSubmatch(streams)
	if m == nil {
		t.Fatalf("training cell did not print its interruption; outputs:\n%s", outputsText(train))
	}
	step, _ := strconv.ParseInt(m[1], 10, 64)
	if step < 3 {
		t.Errorf("last completed step %d, want >= 3 (the marker is written after step 3)", step)
	}
	for _, bad := range []string{"signal: killed", "^C", "signal: interrupt"} {
		if strings.Contains(streams, bad) {
			t.Errorf("training cell output contains %q (the process did not exit cleanly):\n%s", bad, streams)
		}
	}
	notice := fmt.Sprintf("<b>Training interrupted</b> after step %d: checkpoint written to <code>%s</code>",
		step, filepath.Base(ckptDir))
	shown := false
	for _, o := range train.Outputs {
		if s, ok := o.MIME("text/html"); ok && strings.Contains(s, notice) {
			shown = true
		}
	}
	if !shown {
		t.Errorf("no HTML output with %q; outputs:\n%s", notice, outputsText(train))
	}

	// The checkpoint is the one of that step and loads.
	ck, err := ganlib.LatestCheckpoint(ckptDir)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("step-%09d", step); filepath.Base(ck) != want {
		t.Errorf("latest checkpoint %s, want %s", filepath.Base(ck), want)
	}
	tr, err := ganlib.LoadTrainer(ckptDir, ganlib.MustBackend(), stripesImages(64))
	if err != nil {
		t.Fatalf("loading the checkpoint: %v", err)
	}
	if tr.GStep() != step {
		t.Errorf("loaded G step %d, the cell's last completed step was %d", tr.GStep(), step)
	}

	// The next cell loaded it too and trained one more step.
	resume := findCell(t, nb, "resume").Streams()
	for _, want := range []string{fmt.Sprintf("loaded step-%09d: G step %d\n", step, step),
		fmt.Sprintf("resumed: G step %d\n", step+1)} {
		if !strings.Contains(resume, want) {
			t.Errorf("resume cell printed %q, want it to contain %q", resume, want)
		}
	}
}

package ganlib

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gomlx/gomlx/core/tensors"
)

// Environment of the helper process (the test binary re-executed).
const (
	helperEnv    = "GANLIB_TEST_HELPER" // mode: "resume" or "train-forever"
	helperDirEnv = "GANLIB_TEST_DIR"
)

// gan20Config is cases.md GAN-20's setup: paper-style momentum SGD with the
// released schedules, k = 2, seed 1, on the tiny MNIST-shaped model.
func gan20Config() Config {
	cfg := tinyConfig(8, 8)
	cfg.K, cfg.Seed = 2, 1
	return cfg
}

// TestHelperProcess is not a test: it is the body of the subprocesses the
// tests below start (go's os/exec helper-process pattern).
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		t.Skip("helper process only")
	}
	dir := os.Getenv(helperDirEnv)
	train := syntheticImages(64, 8, 8, 1)
	switch mode {
	case "resume":
		// GAN-20 run B, second half: a new process resumes to G step 10.
		tr, err := LoadTrainer(dir, MustBackend(), train, WithCheckpointDir(dir))
		if err != nil {
			fmt.Printf("error: %+v\n", err)
			os.Exit(2)
		}
		lrD, lrG := tr.LearningRates()
		fmt.Printf("resumed gstep=%d dstep=%d lrD=%.16g lrG=%.16g\n", tr.GStep(), tr.DStep(), lrD, lrG)
		if err := tr.Train(context.Background(), 10); err != nil {
			fmt.Printf("error: %+v\n", err)
			os.Exit(2)
		}
		fmt.Printf("done gstep=%d dstep=%d\n", tr.GStep(), tr.DStep())
		os.Exit(0)
	case "train-forever":
		// GAN-19: train until a signal, checkpointing every 10 steps, the
		// way a GoNB cell runs (GoNB forwards SIGINT to the cell program).
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		opts := []TrainerOption{WithCheckpointDir(dir), WithCheckpointEvery(10), WithKeepCheckpoints(2)}
		var tr *Trainer
		var err error
		if _, lerr := LatestCheckpoint(dir); lerr == nil {
			tr, err = LoadTrainer(dir, MustBackend(), train, opts...)
		} else {
			cfg := gan20Config()
			cfg.Generator.Hidden = []int{256} // saves take a few ms
			tr, err = NewTrainer(MustBackend(), cfg, train, opts...)
		}
		if err != nil {
			fmt.Printf("error: %+v\n", err)
			os.Exit(2)
		}
		fmt.Println("started")
		err = tr.Train(ctx, math.MaxInt64)
		if errors.Is(err, ErrInterrupted) {
			fmt.Printf("interrupted gstep=%d\n", tr.GStep())
			os.Exit(ExitCodeInterrupted)
		}
		fmt.Printf("error: %+v\n", err)
		os.Exit(2)
	}
	t.Fatalf("unknown helper mode %q", mode)
}

// helperCmd returns the command re-running this test binary as a helper.
func helperCmd(mode, dir string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.v=false")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, helperDirEnv+"="+dir)
	return cmd
}

// storeSnapshot copies every variable of tr's store (all scopes: G, D,
// optimizer slots, counters, RNG state), keyed by path.
func storeSnapshot(t *testing.T, tr *Trainer) map[string][]byte {
	return snapshot(t, tr.Store(), "/")
}

// GAN-20: N+M steps in one run equal N steps, save, load in a new process,
// M steps: every variable and optimizer slot bit for bit, counters G 5 /
// D 10 at resume, learning rates 0.0999980000240 (G, 5 updates) and
// 0.0999960000880 (D, 10 updates) at resume (cases.md, computed), and the
// resumed run stops at G step 10.
func TestResumeInNewProcessIsExact(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	train := syntheticImages(64, 8, 8, 1)

	// run A: straight through
	a := newTestTrainer(t, gan20Config(), train)
	if err := a.Train(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	want := storeSnapshot(t, a)

	// run B: 5 steps, checkpoint, new process resumes to 10
	dir := t.TempDir()
	b := newTestTrainer(t, gan20Config(), train, WithCheckpointDir(dir))
	if err := b.Train(context.Background(), 5); err != nil {
		t.Fatal(err)
	}
	out, err := helperCmd("resume", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("resume process: %v\n%s", err, out)
	}
	var gs, ds int64
	var lrD, lrG float64
	line := strings.SplitN(string(out), "\n", 2)[0]
	if _, err := fmt.Sscanf(line, "resumed gstep=%d dstep=%d lrD=%g lrG=%g", &gs, &ds, &lrD, &lrG); err != nil {
		t.Fatalf("cannot parse %q: %v", line, err)
	}
	if gs != 5 || ds != 10 {
		t.Errorf("restored counters G %d D %d, want 5 and 10", gs, ds)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"G lr after 5 updates", lrG, 0.0999980000240}, {"D lr after 10 updates", lrD, 0.0999960000880}} {
		if math.Abs(c.got-c.want) > 1e-9*c.want { // cases.md GAN-20, 1e-9 relative
			t.Errorf("%s = %.13g, want %.13g", c.name, c.got, c.want)
		}
	}
	if !strings.Contains(string(out), "done gstep=10 dstep=20") {
		t.Errorf("resumed run did not stop at G step 10 / D step 20:\n%s", out)
	}

	// the final checkpoint equals run A bit for bit
	final, err := LoadTrainer(dir, MustBackend(), train)
	if err != nil {
		t.Fatal(err)
	}
	if final.GStep() != 10 || final.DStep() != 20 {
		t.Errorf("final checkpoint at G %d D %d, want 10 and 20", final.GStep(), final.DStep())
	}
	got := storeSnapshot(t, final)
	n := 0
	for path, w := range want {
		g, ok := got[path]
		if !ok {
			t.Errorf("variable %s missing after resume", path)
			continue
		}
		if string(g) != string(w) {
			t.Errorf("variable %s differs from the uninterrupted run", path)
		}
		n++
	}
	if n < 10 {
		t.Errorf("compared only %d variables", n)
	}
	for _, must := range []string{"/momentum/generator/hidden_0/weights", "/#rngState",
		"/discriminator/optimizers/updates"} {
		if _, ok := want[must]; !ok {
			t.Errorf("expected state variable %s not found (names changed?)", must)
		}
	}
}

// GAN-23 (a) loading into another architecture fails naming the variable and
// both shapes, with no partial load; (b) loading over initialised (and
// perturbed) variables overwrites them bit for bit; (c) resuming with another
// optimizer is an error.
func TestLoadMismatches(t *testing.T) {
	train := syntheticImages(64, 8, 8, 1)
	wide := tinyConfig(8, 8)
	wide.Generator.NoiseDim, wide.Generator.Hidden = 100, []int{1200}
	dir := t.TempDir()
	saved := newTestTrainer(t, wide, train)
	for range 3 {
		if _, err := saved.Step(); err != nil {
			t.Fatal(err)
		}
	}
	if err := saved.Save(dir); err != nil {
		t.Fatal(err)
	}
	savedVars := storeSnapshot(t, saved)

	t.Run("a/width 1200 into 800", func(t *testing.T) {
		narrow := wide
		narrow.Generator.Hidden = []int{800}
		tr := newTestTrainer(t, narrow, train)
		before := storeSnapshot(t, tr)
		err := tr.Resume(dir)
		if err == nil {
			t.Fatal("loading width 1200 into width 800 succeeded")
		}
		msg := err.Error()
		for _, want := range []string{"/generator/hidden_0/weights", "[100 1200]", "in the checkpoint",
			"[100 800]", "in the model", "nothing was loaded"} {
			if !strings.Contains(msg, want) {
				t.Errorf("error %q lacks %q", msg, want)
			}
		}
		if p, same := equalSnapshots(before, storeSnapshot(t, tr)); !same {
			t.Errorf("failed load changed %s (partial load)", p)
		}
	})

	t.Run("b/overwrites initialised variables", func(t *testing.T) {
		other := wide
		other.Seed = 99
		tr := newTestTrainer(t, other, train)
		v := tr.Store().GetVariable("/generator/hidden_0/weights")
		w := tensors.MustCopyFlatData[float32](v.MustValue())
		w[0] += 1
		if err := v.SetValue(tensors.FromFlatDataAndDimensions(w, v.Shape().Dimensions...)); err != nil {
			t.Fatal(err)
		}
		if err := tr.Resume(dir); err != nil {
			t.Fatalf("%+v", err)
		}
		got := storeSnapshot(t, tr)
		for p, want := range savedVars {
			if string(got[p]) != string(want) {
				t.Errorf("variable %s not equal to the saved value after loading", p)
			}
		}
		if tr.GStep() != 3 {
			t.Errorf("G step %d after load, want 3", tr.GStep())
		}
	})

	t.Run("c/sgd-momentum checkpoint resumed with adam", func(t *testing.T) {
		withAdam := wide
		withAdam.OptD, withAdam.OptG = adamConfig(1e-3, 0.5), adamConfig(1e-3, 0.5)
		tr := newTestTrainer(t, withAdam, train)
		err := tr.Resume(dir)
		if err == nil {
			t.Fatal("resuming sgd-momentum state with adam succeeded")
		}
		for _, want := range []string{`"sgd-momentum"`, `"adam"`, "optimizer"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q lacks %q", err, want)
			}
		}
	})
}

// GAN-19: SIGKILL during saves leaves a loadable latest checkpoint (and stale
// temporary directories are cleaned up); SIGINT makes the process stop after
// the current step, write a checkpoint at the last completed step and exit
// with ExitCodeInterrupted.
func TestInterruptAndKillLeaveLoadableCheckpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	train := syntheticImages(64, 8, 8, 1)
	dir := t.TempDir()

	start := func() (*exec.Cmd, *bufio.Scanner) {
		cmd := helperCmd("train-forever", dir)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = cmd.Stdout
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		for sc.Scan() { // wait until it trains
			if sc.Text() == "started" {
				return cmd, sc
			}
			if strings.HasPrefix(sc.Text(), "error") {
				t.Fatalf("helper: %s", sc.Text())
			}
		}
		t.Fatalf("helper ended before starting: %v", cmd.Wait())
		return nil, nil
	}
	latestStep := func() int64 {
		cks, _ := listCheckpoints(dir)
		if len(cks) == 0 {
			return -1
		}
		n, _ := strconv.ParseInt(strings.TrimPrefix(filepath.Base(cks[len(cks)-1]), checkpointPrefix), 10, 64)
		return n
	}
	waitForNewCheckpoint := func(after int64) {
		for range 5000 {
			if latestStep() > after {
				return
			}
			time.Sleep(time.Millisecond)
		}
		t.Fatal("no new checkpoint appeared within 5 s")
	}
	waitForSaveInProgress := func() bool {
		for range 20000 {
			if m, _ := filepath.Glob(filepath.Join(dir, tempPrefix+"*")); len(m) > 0 {
				return true
			}
			time.Sleep(100 * time.Microsecond)
		}
		return false
	}

	// SIGKILL, each run resuming the previous one: three times as soon as a
	// save is in progress, three times at fixed delays
	staleSeen := 0
	for i, delay := range []time.Duration{-1, -1, -1, 4 * time.Millisecond, 17 * time.Millisecond,
		29 * time.Millisecond} {
		before := latestStep()
		cmd, _ := start()
		waitForNewCheckpoint(before)
		if delay < 0 {
			if !waitForSaveInProgress() {
				t.Logf("kill %d: saw no save in progress", i)
			}
		} else {
			time.Sleep(delay)
		}
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if matches, _ := filepath.Glob(filepath.Join(dir, tempPrefix+"*")); len(matches) > 0 {
			staleSeen++
		}
		tr, err := LoadTrainer(dir, MustBackend(), train)
		if err != nil {
			t.Fatalf("kill %d (delay %v): latest checkpoint does not load: %+v", i, delay, err)
		}
		if matches, _ := filepath.Glob(filepath.Join(dir, tempPrefix+"*")); len(matches) > 0 {
			t.Errorf("kill %d: stale temporary directories not removed by load: %v", i, matches)
		}
		t.Logf("kill %d (delay %v): loaded G step %d", i, delay, tr.GStep())
	}
	if staleSeen == 0 {
		t.Errorf("no kill landed during a save; the test did not exercise atomic saves")
	}
	t.Logf("%d of 6 kills interrupted a save (left a temporary directory)", staleSeen)

	// SIGINT at several delays
	for i, delay := range []time.Duration{0, 5, 11, 23} {
		cmd, sc := start()
		time.Sleep(delay * time.Millisecond)
		sent := time.Now()
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		var last string
		for sc.Scan() {
			last = sc.Text()
		}
		err := cmd.Wait()
		elapsed := time.Since(sent)
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) || exitErr.ExitCode() != ExitCodeInterrupted {
			t.Fatalf("SIGINT %d: exit %v, want status %d (output %q)", i, err, ExitCodeInterrupted, last)
		}
		if elapsed > 5*time.Second { // one step + one save take milliseconds here
			t.Errorf("SIGINT %d: exit took %v", i, elapsed)
		}
		gstep, perr := strconv.ParseInt(strings.TrimPrefix(last, "interrupted gstep="), 10, 64)
		if perr != nil {
			t.Fatalf("SIGINT %d: cannot parse %q", i, last)
		}
		meta, _, err := ReadMetadata(dir)
		if err != nil {
			t.Fatalf("SIGINT %d: %v", i, err)
		}
		if meta.GStep != gstep {
			t.Errorf("SIGINT %d: latest checkpoint at G step %d, process stopped at %d", i, meta.GStep, gstep)
		}
		if _, err := LoadTrainer(dir, MustBackend(), train); err != nil {
			t.Fatalf("SIGINT %d: checkpoint does not load: %v", i, err)
		}
	}
}

// GAN-22: same seed → identical loss trace and parameters; another seed
// differs; an unseeded run records the seed it drew, and re-running with it
// reproduces the run.
func TestSeedReproducibility(t *testing.T) {
	train := syntheticImages(1000, 28, 28, 3)
	steps := int64(200)
	if testing.Short() {
		steps = 20
	}
	run := func(seed uint64) ([]StepMetrics, map[string][]byte, *Trainer) {
		cfg := MustPreset("quick")
		cfg.Seed = seed
		tr := newTestTrainer(t, cfg, train)
		var trace []StepMetrics
		if err := tr.Train(context.Background(), steps, func(m StepMetrics) error {
			trace = append(trace, m)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return trace, storeSnapshot(t, tr), tr
	}
	trace42, vars42, _ := run(42)
	trace42b, vars42b, _ := run(42)
	trace43, vars43, _ := run(43)
	traceU, varsU, trU := run(0)

	sameTrace := func(a, b []StepMetrics) bool {
		for i := range a {
			if a[i] != b[i] {
				return false
			}
		}
		return len(a) == len(b)
	}
	if !sameTrace(trace42, trace42b) {
		t.Error("two seed-42 runs have different loss traces")
	}
	if p, same := equalSnapshots(vars42, vars42b); !same {
		t.Errorf("two seed-42 runs end with different %s", p)
	}
	if sameTrace(trace42, trace43) {
		t.Error("seed 43 gives the same trace as seed 42")
	}
	if _, same := equalSnapshots(vars42, vars43); same {
		t.Error("seed 43 gives the same parameters as seed 42")
	}

	// unseeded: the drawn seed is recorded and reproduces the run
	meta := trU.Metadata()
	if !meta.SeedDrawn || meta.Seed == 0 || meta.Seed != trU.Seed() {
		t.Fatalf("unseeded run metadata: SeedDrawn %v Seed %d (trainer %d)", meta.SeedDrawn, meta.Seed, trU.Seed())
	}
	traceR, varsR, _ := run(meta.Seed)
	if !sameTrace(traceU, traceR) {
		t.Error("re-running with the recorded seed gives a different trace")
	}
	if p, same := equalSnapshots(varsU, varsR); !same {
		t.Errorf("re-running with the recorded seed ends with different %s", p)
	}
}

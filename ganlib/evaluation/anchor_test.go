package evaluation

import (
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gan-notebooks/gan/data"
)

var update = flag.Bool("update", false,
	"rewrite testdata golden files from the NumPy anchor (needs python3 with numpy)")

const anchorGolden = "testdata/numpy_anchor_golden.json"

// numpyAnchor locates shared/anchors/numpy_parzen_bench.py (../shared next to
// the repository root, as CI checks it out; $NUMPY_PARZEN_ANCHOR overrides)
// and a python3 that imports numpy. ok is false when either is missing.
func numpyAnchor(t testing.TB) (python, script string, ok bool) {
	t.Helper()
	script = os.Getenv("NUMPY_PARZEN_ANCHOR")
	if script == "" {
		root, err := repoRoot()
		if err != nil {
			t.Logf("NumPy anchor: %v", err)
			return "", "", false
		}
		script = filepath.Join(root, "..", "shared", "anchors", "numpy_parzen_bench.py")
	}
	if _, err := os.Stat(script); err != nil {
		t.Logf("NumPy anchor: %v", err)
		return "", "", false
	}
	for _, candidate := range []string{"/usr/bin/python3", "python3"} {
		path, err := exec.LookPath(candidate)
		if err != nil {
			continue
		}
		if exec.Command(path, "-c", "import numpy").Run() == nil {
			return path, script, true
		}
	}
	t.Logf("NumPy anchor: no python3 with numpy found")
	return "", "", false
}

// repoRoot walks up from the working directory to the folder with go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// writeF32 writes the pixels as raw little-endian float32, the anchor's
// non-.npy input format (rows of --dim values).
func writeF32(t testing.TB, path string, im *data.Images) {
	t.Helper()
	buf := make([]byte, 4*len(im.Pix))
	for i, v := range im.Pix {
		binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// readF64 reads raw little-endian float64 values (the anchor's --out format
// for names not ending in .npy or .f32).
func readF64(t testing.TB, path string) []float64 {
	t.Helper()
	buf, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float64, len(buf)/8)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(buf[8*i:]))
	}
	return out
}

// runAnchor runs the NumPy anchor on files holding samples and test and
// returns its per-point log-likelihoods.
func runAnchor(t testing.TB, python, script string, samples, test *data.Images, sigma float64,
	extra ...string) []float64 {
	t.Helper()
	dir := t.TempDir()
	testPath, samplesPath := filepath.Join(dir, "test.f32"), filepath.Join(dir, "samples.f32")
	outPath := filepath.Join(dir, "ll.f64")
	writeF32(t, testPath, test)
	writeF32(t, samplesPath, samples)
	args := append([]string{script, "--test", testPath, "--samples", samplesPath,
		"--dim", fmt.Sprint(test.Dim()), "--sigma", fmt.Sprint(sigma), "--repeats", "1",
		"--out", outPath}, extra...)
	if out, err := exec.Command(python, args...).CombinedOutput(); err != nil {
		t.Fatalf("NumPy anchor failed: %v\n%s", err, out)
	}
	ll := readF64(t, outPath)
	if len(ll) != test.N {
		t.Fatalf("NumPy anchor returned %d values for %d test points", len(ll), test.N)
	}
	return ll
}

// anchorCase is the input shared with the anchor: 40 SplitMix64 test points
// (seed 7), 300 samples (seed 8), d = 784, plus 5 test points that copy a
// sample exactly and 5 that copy one with a 1e-3 shift on one pixel (the
// near-duplicates where the GEMM expansion cancels).
func anchorCase(t testing.TB) (samples, test *data.Images) {
	const n, m, d = 40, 300, 784
	samples = splitmixImages(t, 8, m, d)
	pix := splitmixUniform(7, n*d)
	for i := range 10 {
		row := append([]float32(nil), samples.Image(13*i)...)
		if i >= 5 {
			row[100] += 1e-3
		}
		pix = append(pix, row...)
	}
	test = mustVectors(t, n+10, d, pix)
	return samples, test
}

var anchorSigmas = []float64{0.1, 0.2, 1}

type anchorGoldenFile struct {
	Comment string         `json:"comment"`
	NumPy   string         `json:"numpy"`
	Cases   []anchorResult `json:"cases"`
}

type anchorResult struct {
	Sigma    float64   `json:"sigma"`
	PerPoint []float64 `json:"per_point"`
}

// TestParzenMatchesNumPyAnchor compares per-point values with the NumPy
// anchor (1e-6 relative) when python3 and numpy are present, and otherwise
// (or under -short) with the anchor's values stored in testdata by a
// previous `-update` run.
func TestParzenMatchesNumPyAnchor(t *testing.T) {
	samples, test := anchorCase(t)
	var python, script string
	haveAnchor := false
	if !testing.Short() || *update { // -short: no subprocess, compare with the golden file
		python, script, haveAnchor = numpyAnchor(t)
	}
	if *update && !haveAnchor {
		t.Fatal("-update needs the NumPy anchor (python3 with numpy and ../shared/anchors)")
	}
	var golden anchorGoldenFile
	if haveAnchor {
		for _, sigma := range anchorSigmas {
			golden.Cases = append(golden.Cases, anchorResult{sigma, runAnchor(t, python, script,
				samples, test, sigma)})
		}
	} else {
		buf, err := os.ReadFile(anchorGolden)
		if err != nil {
			t.Fatalf("no NumPy anchor and no golden file: %v", err)
		}
		if err := json.Unmarshal(buf, &golden); err != nil {
			t.Fatalf("%s: %v", anchorGolden, err)
		}
		t.Logf("NumPy anchor not run (-short, or python3/numpy/anchor missing): "+
			"comparing with %s (numpy %s)", anchorGolden, golden.NumPy)
	}

	for _, c := range golden.Cases {
		got, err := ParzenLogLikelihoods(ctx, samples, test, c.Sigma, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.PerPoint) != len(got) {
			t.Fatalf("σ=%g: reference has %d points, we have %d", c.Sigma, len(c.PerPoint), len(got))
		}
		var worst float64
		for i, want := range c.PerPoint {
			e := relErr(got[i], want)
			worst = max(worst, e)
			if e > 1e-6 {
				t.Errorf("σ=%g point %d: %.12g, NumPy anchor %.12g", c.Sigma, i, got[i], want)
			}
		}
		t.Logf("σ=%g: worst relative difference from NumPy %.2g", c.Sigma, worst)
	}

	if *update {
		out, err := exec.Command(python, "-c", "import numpy; print(numpy.__version__, end='')").Output()
		if err != nil {
			t.Fatal(err)
		}
		golden.NumPy = string(out)
		golden.Comment = "Per-point log-likelihoods (nats) from shared/anchors/numpy_parzen_bench.py " +
			"(float64, gemm) on anchorCase in anchor_test.go; regenerate with go test -run " +
			"TestParzenMatchesNumPyAnchor -update"
		buf, err := json.MarshalIndent(golden, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		writeFileAtomic(t, anchorGolden, append(buf, '\n'))
	}
}

func writeFileAtomic(t testing.TB, path string, content []byte) {
	t.Helper()
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tmp.Write(content); err != nil {
		t.Fatal(err)
	}
	if err := tmp.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		t.Fatal(err)
	}
}

// TestAnchorInputsMatch: our SplitMix64 generator reproduces the anchor's
// synthetic inputs bit for bit (its --dump-inputs files).
func TestAnchorInputsMatch(t *testing.T) {
	if testing.Short() {
		t.Skip("runs python3; skipped under -short")
	}
	python, script, ok := numpyAnchor(t)
	if !ok {
		t.Skip("NumPy anchor not available")
	}
	prefix := filepath.Join(t.TempDir(), "pz")
	cmd := exec.Command(python, script, "--n", "3", "--m", "2", "--dim", "5", "--seed", "42",
		"--repeats", "1", "--dump-inputs", prefix)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("anchor: %v\n%s", err, out)
	}
	for _, f := range []struct {
		suffix string
		seed   uint64
		count  int
	}{{"_test.f32", 42, 15}, {"_samples.f32", 43, 10}} {
		buf, err := os.ReadFile(prefix + f.suffix)
		if err != nil {
			t.Fatal(err)
		}
		want := splitmixUniform(f.seed, f.count)
		if len(buf) != 4*len(want) {
			t.Fatalf("%s: %d bytes, want %d", f.suffix, len(buf), 4*len(want))
		}
		for i, w := range want {
			if got := math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:])); got != w {
				t.Errorf("%s[%d] = %v, want %v", f.suffix, i, got, w)
			}
		}
	}
}

package ganlib

import (
	"math"
	"testing"

	"github.com/gan-notebooks/gan/data"
)

func TestLinearGrid(t *testing.T) {
	xs := LinearGrid(-1, 8, 181)
	if len(xs) != 181 || xs[0] != -1 || xs[180] != 8 || math.Abs(xs[1]-xs[0]-0.05) > 1e-12 {
		t.Errorf("LinearGrid(-1, 8, 181) = [%g, %g, ..., %g] (%d points); want step 0.05", xs[0], xs[1], xs[180], len(xs))
	}
}

// A kernel density estimate of 20000 N(0,1) draws is close to the pdf and
// integrates to 1.
func TestGaussianKDE(t *testing.T) {
	samples := data.Gaussian{Mu: 0, Sigma: 1}.Sample(data.NewRand(2), 20000)
	grid := LinearGrid(-5, 5, 201)
	p := GaussianKDE(samples, grid, 0)
	var mass, maxErr float64
	for i, x := range grid {
		mass += p[i] * 0.05
		maxErr = math.Max(maxErr, math.Abs(p[i]-data.Gaussian{Sigma: 1}.PDF(x)))
	}
	// tolerances: Silverman's h ≈ 0.12 for n = 20000 smooths the peak by
	// about h²/2 relative (0.7%, 0.003 absolute) and sampling noise is
	// ~0.005 at the peak (sqrt(p/(2√π n h))); 0.02 covers both.
	if math.Abs(mass-1) > 1e-3 {
		t.Errorf("KDE integrates to %.5f, want 1 ± 1e-3", mass)
	}
	if maxErr > 0.02 {
		t.Errorf("max |KDE - pdf| = %.4f, want <= 0.02", maxErr)
	}
	// Silverman's rule: 0.9·min(sd, IQR/1.34)·n^(-1/5) = 0.9·1·20000^-0.2 = 0.1249
	if h := SilvermanBandwidth(samples); math.Abs(h-0.1249) > 0.005 {
		t.Errorf("SilvermanBandwidth = %.4f, want 0.1249 ± 0.005", h)
	}
}

func TestOptimalDAndValue(t *testing.T) {
	// Proposition 1 by hand: 0.3/(0.3+0.1) = 0.75; both densities 0: 1/2
	d := OptimalD([]float64{0.3, 0, 0}, []float64{0.1, 0.2, 0})
	for i, want := range []float64{0.75, 0, 0.5} {
		if math.Abs(d[i]-want) > 1e-15 {
			t.Errorf("OptimalD[%d] = %g, want %g", i, d[i], want)
		}
	}

	grid := LinearGrid(-8, 8, 1601)
	gauss := func(mu float64) []float64 {
		p := make([]float64, len(grid))
		for i, x := range grid {
			p[i] = data.Gaussian{Mu: mu, Sigma: 1}.PDF(x)
		}
		return p
	}
	same, far := gauss(0), gauss(0)
	for _, c := range []struct {
		name      string
		got, want float64
		tol       float64
	}{
		// Theorem 1: p_g = p_data gives D* = 1/2 and V = -log 4
		{"V at p_g = p_data", ValueOnGrid(grid, same, far, OptimalD(same, far)), -math.Log(4), 1e-6},
		{"JSD(p, p)", JSDivergence(grid, same, same), 0, 1e-12},
		// disjoint supports: JSD = log 2, C(G) = -log 4 + 2 log 2 = 0
		{"JSD of disjoint", JSDivergence([]float64{0, 1, 2}, []float64{1, 0, 0}, []float64{0, 0, 1}), math.Log(2), 1e-12},
		// N(0,1) vs N(1,1): C(G) = -log 4 + 2·JSD (Theorem 1's proof)
		{"C(G) = -log 4 + 2 JSD", ValueOnGrid(grid, gauss(0), gauss(1), OptimalD(gauss(0), gauss(1))),
			-math.Log(4) + 2*JSDivergence(grid, gauss(0), gauss(1)), 1e-6},
	} {
		if math.Abs(c.got-c.want) > c.tol {
			t.Errorf("%s = %.9f, want %.9f ± %g", c.name, c.got, c.want, c.tol)
		}
	}
}

func TestMaxAbsDiffAndMeanOver(t *testing.T) {
	a, b := []float64{0, 1, 2, 3}, []float64{0, 1.5, 2, 0}
	if d, at := MaxAbsDiff(a, b, nil); d != 3 || at != 3 {
		t.Errorf("MaxAbsDiff = %g at %d, want 3 at 3", d, at)
	}
	mask := []bool{true, true, true, false}
	if d, at := MaxAbsDiff(a, b, mask); d != 0.5 || at != 1 {
		t.Errorf("masked MaxAbsDiff = %g at %d, want 0.5 at 1", d, at)
	}
	if m := MeanOver(a, mask); m != 1 {
		t.Errorf("MeanOver = %g, want 1", m)
	}
	if v := JSDivergence([]float64{0, 1}, []float64{1}, []float64{1, 0}); !math.IsNaN(v) {
		t.Errorf("JSDivergence with mismatched lengths = %g, want NaN", v)
	}
	if m := MeanOver(a, []bool{false, false, false, false}); !math.IsNaN(m) {
		t.Errorf("MeanOver with empty mask = %g, want NaN", m)
	}
}

// A snapshot of an untrained toy game has consistent arrays: p_g integrates
// to about 1, D and D* lie in [0, 1], and a second snapshot with the same
// seed is identical (same z).
func TestToyGameSnapshot(t *testing.T) {
	tr := toyTrainer(t, 4, nil)
	game, err := NewToyGame(tr, data.Gaussian{Mu: 4, Sigma: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	grid := LinearGrid(-6, 10, 321)
	s, err := game.Snapshot(grid, 5000, 42, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var mass float64
	for i := range grid {
		mass += s.PG[i] * 0.05
		if s.D[i] < 0 || s.D[i] > 1 || s.DStar[i] < 0 || s.DStar[i] > 1 {
			t.Fatalf("x = %g: D %g, D* %g outside [0, 1]", grid[i], s.D[i], s.DStar[i])
		}
	}
	if math.Abs(mass-1) > 0.01 {
		t.Errorf("p_g integrates to %.4f on the grid, want 1 ± 0.01", mass)
	}
	if len(s.Z) != 10 || len(s.GZ) != 10 || len(s.Samples) != 5000 {
		t.Errorf("got %d Z, %d GZ, %d samples; want 10, 10, 5000", len(s.Z), len(s.GZ), len(s.Samples))
	}
	s2, err := game.Snapshot(grid, 5000, 42, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if s2.Mean != s.Mean || s2.SD != s.SD {
		t.Errorf("same seed, different samples: mean %g vs %g", s.Mean, s2.Mean)
	}

	// not a 1-D game
	img := newTestTrainer(t, tinyConfig(4, 4), syntheticImages(32, 4, 4, 1))
	if _, err := NewToyGame(img, data.Gaussian{Mu: 0, Sigma: 1}); err == nil {
		t.Error("NewToyGame on a 4x4 image GAN: no error")
	}
}

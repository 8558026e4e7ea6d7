package evaluation

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/gan-notebooks/gan/data"
)

var ctx = context.Background()

// TestParzenTinyDataset is cases.md GAN-24: expected values are the case's
// (computed by hand; re-checked with NumPy).
func TestParzenTinyDataset(t *testing.T) {
	samples := mustVectors(t, 2, 2, []float32{0, 0, 1, 1})
	test := mustVectors(t, 3, 2, []float32{0, 0, 2, 2, 0.5, 0.5})
	const tol = 1e-6 // the case gives 6 decimals
	res, err := ParzenWithSigma(ctx, samples, test, 0.5, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{-1.126580, -5.144724, -1.451583} {
		if math.Abs(res.PerPoint[i]-want) > tol {
			t.Errorf("log p(test[%d]) = %.6f, want %.6f (GAN-24)", i, res.PerPoint[i], want)
		}
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"mean nats", res.Mean, -2.574295},
		{"std err (population std / √3)", res.StdErr, 1.052165},
		{"mean bits", res.MeanBits(), -3.713923},
		{"225 nats in bits", 225 * Log2E, 324.61},
	}
	for _, c := range checks {
		tolC := tol
		if c.name == "225 nats in bits" {
			tolC = 0.005 // the case gives 2 decimals
		}
		if math.Abs(c.got-c.want) > tolC {
			t.Errorf("%s = %.6f, want %.6f (GAN-24)", c.name, c.got, c.want)
		}
	}
	if s := res.String(); !strings.Contains(s, "nats") || !strings.Contains(s, "σ=0.5") {
		t.Errorf("String() = %q, want the unit and σ", s)
	}
}

// TestParzenMemorised is cases.md GAN-26: positive log-densities are kept.
// Expected values are the case's, = -ln N - ln(σ√(2π)) by hand.
func TestParzenMemorised(t *testing.T) {
	// (a) 1-D samples {0, 10, 20}, σ = 1e-5, test points = the samples
	three := []float32{0, 10, 20}
	// (b) N = 1000 samples 0, 1, ..., 999; the test point is sample 500
	thousand := make([]float32, 1000)
	for i := range thousand {
		thousand[i] = float32(i)
	}
	tests := []struct {
		name          string
		samples, test []float32
		want          float64
		tol           float64
	}{
		{"three samples, each memorised", three, three, 9.495375, 1e-6},
		{"one of 1000 samples memorised", thousand, []float32{500}, 3.686232, 1e-6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			samples := mustVectors(t, len(tc.samples), 1, tc.samples)
			test := mustVectors(t, len(tc.test), 1, tc.test)
			ll, err := ParzenLogLikelihoods(ctx, samples, test, 1e-5, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range ll {
				if math.Abs(v-tc.want) > tc.tol {
					t.Errorf("log p(test[%d]) = %.6f, want %.6f (GAN-26)", i, v, tc.want)
				}
			}
		})
	}
	// density 39.894228 for (b), as the case states
	if got := math.Exp(3.686232); math.Abs(got-39.894228) > 1e-4 {
		t.Errorf("exp(3.686232) = %f, want 39.894228", got)
	}
}

// TestParzenSmallSigmaHighDim checks that a point far (in kernel widths) from
// every sample gets a large negative but finite value, equal to the hand
// derivation. With one sample μ = 0 and x = (1/16, ..., 1/16) in d = 784,
// D² = 784/256 = 3.0625, so with σ = 0.01
//
//	log p(x) = -D²/(2σ²) - d·log(σ√(2π)) = -15312.5 + 784·3.68623165...
//	         = -12422.4943842178
//
// exp(-15312.5) underflows to 0 in float64, so a naive log(mean(exp(...)))
// would return -Inf.
func TestParzenSmallSigmaHighDim(t *testing.T) {
	const d = 784
	x := make([]float32, d)
	for i := range x {
		x[i] = 1.0 / 16
	}
	tests := []struct {
		name    string
		samples []float32
		n       int
		want    float64
	}{
		// hand derivation above
		{"one sample", make([]float32, d), 1, -12422.4943842178},
		// a second sample at -1/16 per coordinate (D² = 4·3.0625 = 12.25) adds
		// a term exp(-61250 + 15312.5) = 0 next to the first; the mean over
		// two samples subtracts log 2:
		{"two samples", append(make([]float32, d), negFill(d, 1.0/16)...), 2,
			-12422.4943842178 - math.Ln2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			samples := mustVectors(t, tc.n, d, tc.samples)
			test := mustVectors(t, 1, d, x)
			ll, err := ParzenLogLikelihoods(ctx, samples, test, 0.01, nil)
			if err != nil {
				t.Fatal(err)
			}
			if math.IsInf(ll[0], 0) || math.IsNaN(ll[0]) {
				t.Fatalf("log p = %v, want finite", ll[0])
			}
			if relErr(ll[0], tc.want) > 1e-12 {
				t.Errorf("log p = %.10f, want %.10f (hand derivation)", ll[0], tc.want)
			}
		})
	}
}

func negFill(n int, v float32) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = -v
	}
	return s
}

// sigmaSelectionSets builds a 1-D case where validation and test prefer
// different σ. One sample at 0. For a point at distance D,
// log p = -D²/(2σ²) - log(σ√(2π)), maximised over σ at σ = D. Validation
// points are at D = 0.1 (prefer σ = 0.1, the grid's first value), test
// points at D = 1 (prefer σ = 1, its last).
func sigmaSelectionSets(t *testing.T) (samples, validation, test *data.Images) {
	samples = mustVectors(t, 1, 1, []float32{0})
	validation = mustVectors(t, 2, 1, []float32{0.1, -0.1})
	test = mustVectors(t, 2, 1, []float32{1, -1})
	return
}

// TestSigmaSelectionUsesValidationOnly: σ comes from validation data, never
// from the test set (the paper's protocol, Section 5).
func TestSigmaSelectionUsesValidationOnly(t *testing.T) {
	samples, validation, test := sigmaSelectionSets(t)
	res, err := EvaluateParzen(ctx, samples, validation, test, nil)
	if err != nil {
		t.Fatal(err)
	}
	grid := DefaultParzenSigmas()
	if res.Sigma != grid[0] {
		t.Errorf("chosen σ = %g, want %g (validation points sit at distance 0.1)", res.Sigma, grid[0])
	}
	// the test set alone would have chosen σ = 1
	onTest, err := SelectParzenSigma(ctx, samples, test, nil)
	if err != nil {
		t.Fatal(err)
	}
	if onTest.Sigma != grid[9] {
		t.Errorf("σ chosen on the test set = %g, want %g", onTest.Sigma, grid[9])
	}
	// scores and the test mean follow the hand formula (validation D = 0.1, test D = 1)
	logp := func(dist, sigma float64) float64 {
		return -dist*dist/(2*sigma*sigma) - math.Log(sigma*math.Sqrt(2*math.Pi))
	}
	for _, sc := range res.Selection.Scores {
		dist := float64(float32(0.1))
		if want := logp(dist, sc.Sigma); relErr(sc.MeanLogLikelihood, want) > 1e-12 {
			t.Errorf("validation score at σ=%g = %.12f, want %.12f", sc.Sigma, sc.MeanLogLikelihood, want)
		}
	}
	// σ = 0.1 at D = 1: -50 + ln 10 - ln √(2π) = -48.6163534...
	if want := logp(1, 0.1); relErr(res.Mean, want) > 1e-12 || math.Abs(want+48.616353) > 1e-6 {
		t.Errorf("test mean = %.9f, want %.9f", res.Mean, want)
	}
	if res.StdErr != 0 {
		t.Errorf("std err = %g, want 0 (both test points score the same)", res.StdErr)
	}
	if res.Selection.NumValidation != 2 {
		t.Errorf("NumValidation = %d, want 2 (fewer than the default 1000 available)",
			res.Selection.NumValidation)
	}
}

// TestSigmaSelectionCannotSeeTest: the test set is refused when it shares
// memory with the validation set, and SelectParzenSigma has no place for it.
func TestSigmaSelectionCannotSeeTest(t *testing.T) {
	samples, validation, _ := sigmaSelectionSets(t)
	if _, err := EvaluateParzen(ctx, samples, validation, validation, nil); err == nil ||
		!strings.Contains(err.Error(), "share pixel memory") {
		t.Errorf("EvaluateParzen(validation as test) error = %v, want a shared-memory error", err)
	}
	all := mustVectors(t, 4, 1, []float32{0.1, -0.1, 1, -1})
	overlapping := mustVectors(t, 2, 1, all.Pix[1:3])
	if _, err := EvaluateParzen(ctx, samples, all, overlapping, nil); err == nil {
		t.Error("EvaluateParzen with a test set overlapping the validation set: want an error")
	}

	// SelectParzenSigma(ctx, samples, validation, opts): exactly two image sets
	ft := reflect.TypeOf(SelectParzenSigma)
	imagesType := reflect.TypeOf((*data.Images)(nil))
	var sets int
	for i := range ft.NumIn() {
		if ft.In(i) == imagesType {
			sets++
		}
	}
	if sets != 2 {
		t.Errorf("SelectParzenSigma takes %d image sets, want 2 (samples, validation)", sets)
	}
}

// TestParzenNumValidation: only the first NumValidation validation examples
// count. The first example sits at D = 0.1, the second at D = 1.
func TestParzenNumValidation(t *testing.T) {
	samples := mustVectors(t, 1, 1, []float32{0})
	validation := mustVectors(t, 2, 1, []float32{0.1, 1})
	grid := DefaultParzenSigmas()
	tests := []struct {
		name      string
		num       int
		wantN     int
		wantSigma float64
	}{
		{"first only", 1, 1, grid[0]},
		// mean of -D²/(2σ²) - log σ over D = 0.1 and 1 peaks at σ² = (0.01+1)/2,
		// σ = 0.711; on the grid: -0.1909 at 0.5995, -0.1654 at 0.7743 (+ const)
		{"all (negative)", -1, 2, grid[8]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sel, err := SelectParzenSigma(ctx, samples, validation, &ParzenOptions{NumValidation: tc.num})
			if err != nil {
				t.Fatal(err)
			}
			if sel.NumValidation != tc.wantN || sel.Sigma != tc.wantSigma {
				t.Errorf("got %d examples, σ=%g; want %d, σ=%g", sel.NumValidation, sel.Sigma,
					tc.wantN, tc.wantSigma)
			}
		})
	}
}

// TestDefaultParzenSigmas: numpy.logspace(-1, 0, 10), values printed by
// NumPy 1.24.
func TestDefaultParzenSigmas(t *testing.T) {
	want := []float64{0.1, 0.12915496650148839, 0.16681005372000587, 0.21544346900318834,
		0.2782559402207124, 0.3593813663804626, 0.46415888336127786, 0.5994842503189409,
		0.7742636826811269, 1}
	got := DefaultParzenSigmas()
	for i := range want {
		if relErr(got[i], want[i]) > 1e-15 {
			t.Errorf("σ[%d] = %.17g, want %.17g", i, got[i], want[i])
		}
	}
}

// TestParzenChunkSizes is cases.md GAN-28: 200 samples, 50 test points,
// d = 784, seed 0; chunk sizes 1, 7, 50, all, the budget-derived one and a
// budget so small the samples are tiled too, all agree to 1e-9 relative,
// per point and in order, with the naive reference.
func TestParzenChunkSizes(t *testing.T) {
	const n, m, d = 50, 200, 784
	test := splitmixImages(t, 0, n, d)
	samples := splitmixImages(t, 1, m, d)
	sigmas := []float64{0.1, 0.2, 1}
	for _, sigma := range sigmas {
		want := naiveParzen(samples, test, sigma)
		tests := []struct {
			name string
			opts ParzenOptions
		}{
			{"chunk 1", ParzenOptions{ChunkSize: 1}},
			{"chunk 7", ParzenOptions{ChunkSize: 7}},
			{"chunk 50", ParzenOptions{ChunkSize: 50}},
			{"chunk all (1000)", ParzenOptions{ChunkSize: 1000}},
			{"from budget", ParzenOptions{}},
			{"one worker", ParzenOptions{Workers: 1}},
			{"tiny budget, tiled samples", ParzenOptions{MemoryBudget: 100 << 10}},
			{"tiny budget, chunk 7", ParzenOptions{MemoryBudget: 100 << 10, ChunkSize: 7}},
		}
		var first []float64
		for _, tc := range tests {
			got, err := ParzenLogLikelihoods(ctx, samples, test, sigma, &tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			for i := range want {
				if relErr(got[i], want[i]) > 1e-9 {
					t.Errorf("σ=%g %s: point %d: %.12g, want %.12g", sigma, tc.name, i, got[i], want[i])
				}
			}
			// with the SIMD kernel each distance depends only on its two rows,
			// so untiled runs are bit-identical whatever the chunk size
			if first == nil {
				first = got
			} else if simdCrossNT != nil && tc.opts.MemoryBudget == 0 {
				for i := range got {
					if got[i] != first[i] {
						t.Errorf("σ=%g %s: point %d: %.17g, chunk 1 gave %.17g", sigma, tc.name, i,
							got[i], first[i])
					}
				}
			}
		}
	}
	// the plan really tiles with the tiny budget
	p := planParzen(n, m, d, 1, (&ParzenOptions{MemoryBudget: 100 << 10, Workers: 2}).withDefaults())
	if p.tile >= m || p.chunk >= n {
		t.Errorf("plan for a 100 KiB budget = %+v, want samples tiled and test chunked", p)
	}
}

// TestParzenPlanBudget: the paper-sized case (10000 x 10000, d = 784) fits
// the 1 GiB budget of GAN-28, and the naive broadcast would not.
func TestParzenPlanBudget(t *testing.T) {
	const n, m, d = 10000, 10000, 784
	for _, budget := range []int64{1 << 30, DefaultMemoryBudget, 64 << 20} {
		o := (&ParzenOptions{MemoryBudget: budget, Workers: 2}).withDefaults()
		p := planParzen(n, m, d, 10, o)
		var used int64
		if p.tile == m {
			used += int64(m) * (d + 1) * 8
		} else {
			used += int64(p.workers) * int64(p.tile) * (d + 1) * 8
		}
		used += int64(p.workers) * int64(p.chunk) * int64(d+1+p.tile+2*10) * 8
		if used > budget {
			t.Errorf("budget %d MiB: plan %+v uses %d MiB", budget>>20, p, used>>20)
		}
	}
	// GAN-28: the naive float32 broadcast is 313.6 GB
	if naive := float64(n) * m * d * 4; math.Abs(naive-313.6e9) > 1e6 {
		t.Errorf("naive broadcast = %g bytes, want 313.6e9", naive)
	}
}

// TestParzenProgress: the callback fires every ProgressEvery chunks and at
// the end, in order.
func TestParzenProgress(t *testing.T) {
	test := splitmixImages(t, 0, 50, 16)
	samples := splitmixImages(t, 1, 20, 16)
	var calls []ParzenProgress
	opts := &ParzenOptions{ChunkSize: 1, ProgressEvery: 3,
		Progress: func(p ParzenProgress) { calls = append(calls, p) }}
	if _, err := ParzenLogLikelihoods(ctx, samples, test, 0.5, opts); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 17 { // 3, 6, ..., 48 and 50
		t.Fatalf("%d progress calls, want 17", len(calls))
	}
	for i, p := range calls {
		if p.Chunks != 50 || p.Points != 50 || p.Stage != "test" {
			t.Errorf("call %d = %+v", i, p)
		}
		if i > 0 && p.ChunksDone <= calls[i-1].ChunksDone {
			t.Errorf("call %d: ChunksDone %d after %d", i, p.ChunksDone, calls[i-1].ChunksDone)
		}
	}
	if last := calls[len(calls)-1]; last.ChunksDone != 50 || last.PointsDone != 50 {
		t.Errorf("last call = %+v, want all done", last)
	}
}

func TestParzenCancelled(t *testing.T) {
	test := splitmixImages(t, 0, 10, 8)
	samples := splitmixImages(t, 1, 10, 8)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := ParzenLogLikelihoods(cctx, samples, test, 0.5, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}

// TestParzenBadInput: errors name the argument and the offending value.
func TestParzenBadInput(t *testing.T) {
	two := mustVectors(t, 1, 2, []float32{0, 0})
	three := mustVectors(t, 1, 3, []float32{0, 0, 0})
	empty := mustVectors(t, 0, 2, nil)
	signed := mustVectors(t, 1, 2, []float32{0, 0})
	signed.Range = data.RangeSigned
	unit := mustVectors(t, 1, 2, []float32{0, 0})
	unit.Range = data.RangeUnit
	tests := []struct {
		name          string
		samples, test *data.Images
		sigma         float64
		want          string
	}{
		{"dimension mismatch", two, three, 0.5, "points has 3"},
		{"range mismatch", signed, unit, 0.5, "value range [-1, 1]"},
		{"no samples", empty, two, 0.5, "samples is empty"},
		{"nil points", two, nil, 0.5, "points is nil"},
		{"zero sigma", two, two, 0, "sigma[0] = 0"},
		{"NaN sigma", two, two, math.NaN(), "sigma[0] = NaN"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParzenLogLikelihoods(ctx, tc.samples, tc.test, tc.sigma, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestMeanStdErr: population std (numpy default), hand values.
func TestMeanStdErr(t *testing.T) {
	// values 1, 2, 3, 4: mean 2.5, population variance 1.25, SE √1.25/2
	mean, se := MeanStdErr([]float64{1, 2, 3, 4})
	if mean != 2.5 || math.Abs(se-math.Sqrt(1.25)/2) > 1e-15 {
		t.Errorf("MeanStdErr = %g, %g; want 2.5, %g", mean, se, math.Sqrt(1.25)/2)
	}
}

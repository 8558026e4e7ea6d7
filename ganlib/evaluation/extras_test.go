package evaluation

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestPaperTable1: values typed from Table 1 of the paper.
func TestPaperTable1(t *testing.T) {
	tables := PaperTable1()
	want := map[string]string{
		"MNIST": "DBN 138±2, Stacked CAE 121±1.6, Deep GSN 214±1.1, Adversarial nets 225±2",
		"TFD":   "DBN 1909±66, Stacked CAE 2110±50, Deep GSN 1890±29, Adversarial nets 2057±26",
	}
	if len(tables) != 2 {
		t.Fatalf("%d tables, want 2", len(tables))
	}
	for _, tb := range tables {
		var parts []string
		for _, r := range tb.Rows {
			parts = append(parts, fmt.Sprintf("%s %g±%g", r.Model, r.Mean, r.StdErr))
		}
		if got := strings.Join(parts, ", "); got != want[tb.Dataset] {
			t.Errorf("%s: %s\nwant %s", tb.Dataset, got, want[tb.Dataset])
		}
		if tb.Unit != "nats" || !strings.Contains(tb.Citation, "Generative Adversarial Nets") {
			t.Errorf("%s: unit %q citation %q", tb.Dataset, tb.Unit, tb.Citation)
		}
	}
}

// TestTrainingSetRow: the memorisation row on the GAN-26 layout. The first
// 3 of 4 "training" values {0, 10, 20, 30} are the samples; validation at 0.1
// from a sample picks σ = 0.1 (see TestSigmaSelectionUsesValidationOnly);
// test points equal samples score -ln 3 - ln(0.1·√(2π)) = 0.2857..., by hand.
func TestTrainingSetRow(t *testing.T) {
	train := mustVectors(t, 4, 1, []float32{0, 10, 20, 30})
	validation := mustVectors(t, 1, 1, []float32{10.1})
	test := mustVectors(t, 2, 1, []float32{0, 20})
	row, err := TrainingSetRow(ctx, "toy", train, 3, validation, test, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := -math.Log(3) - math.Log(0.1*math.Sqrt(2*math.Pi))
	if relErr(row.Mean, want) > 1e-9 || row.Sigma != 0.1 || row.NumSamples != 3 ||
		row.NumTest != 2 || row.NumValidation != 1 {
		t.Errorf("row = %+v, want mean %.9f, σ 0.1, 3 samples, 2 test, 1 validation", row, want)
	}
	if !strings.Contains(row.Protocol, "3 samples") || !strings.Contains(row.Model, "Training set") {
		t.Errorf("row model %q protocol %q", row.Model, row.Protocol)
	}
	if _, err := TrainingSetRow(ctx, "toy", train, 5, validation, test, nil); err == nil {
		t.Error("numSamples > training size: want an error")
	}
	// validation taken from inside the samples (train[2:3] with 3 samples)
	inside := mustVectors(t, 1, 1, train.Pix[2:3])
	if _, err := TrainingSetRow(ctx, "toy", train, 3, inside, test, nil); err == nil ||
		!strings.Contains(err.Error(), "overlap the validation") {
		t.Errorf("validation inside the samples: error = %v", err)
	}
}

func TestClassHistogram(t *testing.T) {
	tests := []struct {
		name        string
		labels      []int
		k           int
		wantEntropy float64 // by hand
		wantCovered int
		tol         float64
	}{
		{"uniform over 10", []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 10, math.Log(10), 10, 1e-15},
		{"collapsed to one class", []int{3, 3, 3, 3}, 10, 0, 1, 0},
		// p = (1/2, 1/4, 1/4): H = ½ln2 + ½ln4 = 1.5 ln 2
		{"half, quarter, quarter", []int{0, 0, 1, 2}, 3, 1.5 * math.Ln2, 3, 1e-15},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := ClassHistogramOf(tc.labels, tc.k)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(h.Entropy-tc.wantEntropy) > tc.tol || h.ClassesCovered != tc.wantCovered ||
				h.Total != len(tc.labels) {
				t.Errorf("got %+v, want entropy %g, %d classes", h, tc.wantEntropy, tc.wantCovered)
			}
		})
	}
	if _, err := ClassHistogramOf([]int{0, 10}, 10); err == nil ||
		!strings.Contains(err.Error(), "labels[1]=10") {
		t.Errorf("out-of-range label: error = %v", err)
	}
}

// TestFrechetClosedForm checks against closed forms.
//   - Commuting covariances Σ₁ = R diag(a) Rᵀ, Σ₂ = R diag(b) Rᵀ:
//     FD = ||Δμ||² + Σᵢ(√aᵢ - √bᵢ)².
//   - Any 2×2 pair: Σ₁Σ₂ has eigenvalues λ₁, λ₂ ≥ 0 and (√λ₁+√λ₂)² =
//     tr(Σ₁Σ₂) + 2√(det Σ₁ det Σ₂), so
//     FD = ||Δμ||² + tr Σ₁ + tr Σ₂ - 2√(tr(Σ₁Σ₂) + 2√(det Σ₁ det Σ₂)).
func TestFrechetClosedForm(t *testing.T) {
	// rotation by 30° in the (0, 1) plane of R³
	c, s := math.Cos(math.Pi/6), math.Sin(math.Pi/6)
	rot := mat.NewDense(3, 3, []float64{c, -s, 0, s, c, 0, 0, 0, 1})
	rotated := func(diag []float64) *mat.SymDense {
		var tmp, out mat.Dense
		tmp.Mul(rot, mat.NewDiagDense(3, diag))
		out.Mul(&tmp, rot.T())
		sym := mat.NewSymDense(3, nil)
		for i := range 3 {
			for j := i; j < 3; j++ {
				sym.SetSym(i, j, out.At(i, j))
			}
		}
		return sym
	}
	a, b := []float64{4, 1, 0.25}, []float64{1, 9, 0.25}
	commuting := 1.0 + 4 + (2-1)*(2-1) + (1-3)*(1-3) + 0 // Δμ = (1, 2, 0)

	s1 := mat.NewSymDense(2, []float64{2, 0.5, 0.5, 1})
	s2 := mat.NewSymDense(2, []float64{1, -0.3, -0.3, 3})
	var prod mat.Dense
	prod.Mul(s1, s2)
	twoByTwo := 0.25 + mat.Trace(s1) + mat.Trace(s2) -
		2*math.Sqrt(mat.Trace(&prod)+2*math.Sqrt(mat.Det(s1)*mat.Det(s2))) // Δμ = (0.5, 0)

	tests := []struct {
		name string
		a, b Moments
		want float64
		tol  float64
	}{
		{"commuting 3x3", Moments{[]float64{0, 0, 0}, rotated(a)},
			Moments{[]float64{1, 2, 0}, rotated(b)}, commuting, 1e-12},
		{"non-commuting 2x2", Moments{[]float64{0, 0}, s1}, Moments{[]float64{0.5, 0}, s2},
			twoByTwo, 1e-12},
		{"identical", Moments{[]float64{1, 1}, s1}, Moments{[]float64{1, 1}, s1}, 0, 1e-12},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FrechetDistance(tc.a, tc.b)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tc.want) > tc.tol {
				t.Errorf("FD = %.15g, want %.15g", got, tc.want)
			}
		})
	}
}

// TestFrechetFromSamples: Gaussian samples with known moments; the
// estimate approaches the closed form (sampling tolerance).
func TestFrechetFromSamples(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n, d = 20000, 2
	// x ~ N(0, diag(4, 1)), y ~ N((1, 0), diag(1, 1)): FD = 1 + (2-1)² + 0 = 2
	x := make([]float64, n*d)
	y := make([]float64, n*d)
	for i := range n {
		x[2*i], x[2*i+1] = 2*rng.NormFloat64(), rng.NormFloat64()
		y[2*i], y[2*i+1] = 1+rng.NormFloat64(), rng.NormFloat64()
	}
	got, err := FrechetDistanceFeatures(x, y, d)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-2) > 0.1 {
		t.Errorf("FD = %g, want 2 ± 0.1", got)
	}
	if _, err := FrechetDistanceFeatures(x[:3], y, d); err == nil {
		t.Error("ragged features: want an error")
	}
}

// TestPrecisionRecallHand: 1-D, k = 1, worked by hand. Real {0, 1, 2, 10}:
// radii 1, 1, 1, 8. Generated {0.5, 5, 20}: radii 4.5, 4.5, 15.
// Precision: 0.5 (near 0) in, 5 (5 ≤ 8 from 10) in, 20 (10 > 8) out: 2/3.
// Recall: 0, 1, 2 within 4.5 of 0.5; 10 within 15 of 20: 4/4.
func TestPrecisionRecallHand(t *testing.T) {
	p, r, err := PrecisionRecall([]float64{0, 1, 2, 10}, []float64{0.5, 5, 20}, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(p-2.0/3) > 1e-15 || r != 1 {
		t.Errorf("precision, recall = %g, %g; want 2/3, 1", p, r)
	}
	// a collapsed generator: all samples at 0 → precision 1, recall low
	p, r, err = PrecisionRecall([]float64{0, 1, 2, 10}, []float64{0, 0, 0}, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	// generated radii are 0: only the real point 0 is covered
	if p != 1 || r != 0.25 {
		t.Errorf("collapsed: precision, recall = %g, %g; want 1, 0.25", p, r)
	}
}

// TestPrecisionRecallBruteForce compares with a direct implementation of the
// definition on random data.
func TestPrecisionRecallBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const d, k = 5, 3
	realF := make([]float64, 300*d)
	genF := make([]float64, 200*d)
	for i := range realF {
		realF[i] = rng.NormFloat64()
	}
	for i := range genF {
		genF[i] = 0.5 + 1.5*rng.NormFloat64()
	}
	dist := func(a, b []float64) float64 {
		var s float64
		for i := range a {
			s += (a[i] - b[i]) * (a[i] - b[i])
		}
		return s
	}
	radii := func(x []float64) []float64 {
		n := len(x) / d
		out := make([]float64, n)
		for i := range n {
			var ds []float64
			for j := range n {
				if j != i {
					ds = append(ds, dist(x[i*d:(i+1)*d], x[j*d:(j+1)*d]))
				}
			}
			for a := range ds { // selection sort of the first k
				for b := a + 1; b < len(ds); b++ {
					if ds[b] < ds[a] {
						ds[a], ds[b] = ds[b], ds[a]
					}
				}
				if a == k-1 {
					break
				}
			}
			out[i] = ds[k-1]
		}
		return out
	}
	frac := func(points, centres, r []float64) float64 {
		var in int
		for i := range len(points) / d {
			for j := range len(centres) / d {
				if dist(points[i*d:(i+1)*d], centres[j*d:(j+1)*d]) <= r[j] {
					in++
					break
				}
			}
		}
		return float64(in) / float64(len(points)/d)
	}
	wantP, wantR := frac(genF, realF, radii(realF)), frac(realF, genF, radii(genF))
	p, r, err := PrecisionRecall(realF, genF, d, k)
	if err != nil {
		t.Fatal(err)
	}
	if p != wantP || r != wantR {
		t.Errorf("precision, recall = %g, %g; brute force %g, %g", p, r, wantP, wantR)
	}
	t.Logf("precision %.3f recall %.3f", p, r)
}

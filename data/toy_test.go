package data

import (
	"fmt"
	"math"
	"sort"
	"testing"
)

func meanStd(x []float64) (m, s float64) {
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return m, math.Sqrt(s / float64(len(x)-1))
}

// ranks returns the 0-based rank of each value (no ties in continuous data).
func ranks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	r := make([]float64, len(x))
	for rank, i := range idx {
		r[i] = float64(rank)
	}
	return r
}

// spearmanWithIndex is the Spearman correlation of (i, x_i): the Pearson
// correlation of the ranks, 1 - 6 Σd² / (n(n²-1)) without ties.
func spearmanWithIndex(x []float64) float64 {
	r := ranks(x)
	n := float64(len(x))
	var d2 float64
	for i, ri := range r {
		d := float64(i) - ri
		d2 += d * d
	}
	return 1 - 6*d2/(n*(n*n-1))
}

// cases.md GAN-10 (a) and (b).
func TestGaussianToyGAN10(t *testing.T) {
	g := Gaussian{Mu: 4, Sigma: 0.5}
	// (a) 100000 draws with seed 1: tolerances are 5 standard errors
	// (cases.md: 5·0.5/√1e5 = 0.0079 for the mean, 5·0.5/√(2e5) = 0.0056 for sd).
	x := g.Sample(NewRand(1), 100000)
	m, s := meanStd(x)
	t.Logf("N(4, 0.5), seed 1, n=100000: mean %.5f sd %.5f", m, s)
	if math.Abs(m-4) > 0.0079 || math.Abs(s-0.5) > 0.0056 {
		t.Errorf("mean %.5f sd %.5f, want 4±0.0079, 0.5±0.0056", m, s)
	}
	// (b) a batch of 1000 is not sorted: |Spearman(index, value)| < 0.1.
	batch := g.Sample(NewRand(2), 1000)
	rho := spearmanWithIndex(batch)
	t.Logf("Spearman(index, value) of a batch of 1000: %.4f", rho)
	if math.Abs(rho) >= 0.1 {
		t.Errorf("Spearman(index, value) = %.3f, want |ρ| < 0.1", rho)
	}
	// The check itself can fail: a sorted copy has ρ = 1.
	sorted := append([]float64(nil), batch...)
	sort.Float64s(sorted)
	if rho := spearmanWithIndex(sorted); math.Abs(rho-1) > 1e-12 {
		t.Errorf("sorted copy ρ = %v, want 1", rho)
	}
	// Batching through Images and a Batcher keeps the draws unsorted too.
	b, err := NewBatcher(SampleImages(g, NewRand(3), 1000), 1000, 7, BatcherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bx := b.Next()
	vals := make([]float64, bx.N)
	for i, v := range bx.Pix {
		vals[i] = float64(v)
	}
	if rho := spearmanWithIndex(vals); math.Abs(rho) >= 0.1 {
		t.Errorf("batched ρ = %.3f", rho)
	}
}

// Exact densities: PDF integrates to the CDF, moments match their formulas
// and the samples.
func TestToyDensities(t *testing.T) {
	cases := []struct {
		name     string
		d        Dist1D
		mean, sd float64 // hand-derived
		lo, hi   float64 // integration range holding all the mass
	}{
		{"gaussian", Gaussian{4, 0.5}, 4, 0.5, -2, 10},
		{"uniform", Uniform{-1, 3}, 1, 4 / math.Sqrt(12), -2, 4},
		// 0.5·N(-2, 0.3²) + 0.5·N(2, 0.3²): mean 0, var 0.09 + 4 = 4.09.
		{"bimodal", Bimodal(2, 0.3), 0, math.Sqrt(4.09), -5, 5},
		// 0.25·N(0,1) + 0.75·N(4,2²): mean 3, E[x²] = 0.25 + 0.75·20 = 15.25, var 6.25.
		{"mixture", Mixture{[]float64{1, 3}, []Gaussian{{0, 1}, {4, 2}}}, 3, 2.5, -12, 22},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if math.Abs(c.d.Mean()-c.mean) > 1e-12 || math.Abs(c.d.StdDev()-c.sd) > 1e-12 {
				t.Errorf("Mean %v StdDev %v, want %v %v", c.d.Mean(), c.d.StdDev(), c.mean, c.sd)
			}
			// Trapezoid rule with step 1e-3: CDF(x) - CDF(lo) = ∫ PDF.
			const h = 1e-3
			area := 0.0
			for x := c.lo; x < c.hi-h/2; x += h {
				area += h * (c.d.PDF(x) + c.d.PDF(x+h)) / 2
				if x > c.lo+1 && int((x-c.lo)/h)%1000 == 0 {
					if diff := area - (c.d.CDF(x+h) - c.d.CDF(c.lo)); math.Abs(diff) > 1e-3 {
						t.Fatalf("∫PDF to %v = %v, CDF difference %v", x+h, area, c.d.CDF(x+h)-c.d.CDF(c.lo))
					}
				}
			}
			if math.Abs(area-1) > 1e-3 || math.Abs(c.d.CDF(c.hi)-1) > 1e-6 || c.d.CDF(c.lo) > 1e-6 {
				t.Errorf("∫PDF = %v, CDF(lo)=%v CDF(hi)=%v", area, c.d.CDF(c.lo), c.d.CDF(c.hi))
			}
			// Samples agree within 5 standard errors (n = 50000).
			x := c.d.Sample(NewRand(5), 50000)
			m, s := meanStd(x)
			if se := c.sd / math.Sqrt(50000); math.Abs(m-c.mean) > 5*se {
				t.Errorf("sample mean %v, want %v ± %v", m, c.mean, 5*se)
			}
			if math.Abs(s-c.sd)/c.sd > 0.03 {
				t.Errorf("sample sd %v, want %v", s, c.sd)
			}
			if c.d.String() == "" {
				t.Error("empty String")
			}
		})
	}
}

func TestModeFractions(t *testing.T) {
	bi := Bimodal(2, 0.3)
	centers := []float64{-2, 2}
	// Target samples: about half near each mode (radius 3σ = 0.9 holds
	// 99.73% of each component).
	f := ModeFractions(bi.Sample(NewRand(1), 20000), centers, 0.9)
	for i, v := range f {
		if math.Abs(v-0.5*0.9973) > 0.02 {
			t.Errorf("mode %d fraction %v, want ≈0.4987", i, v)
		}
	}
	// A collapsed generator: everything on the right mode.
	collapsed := Gaussian{2, 0.1}.Sample(NewRand(2), 1000)
	f = ModeFractions(collapsed, centers, 0.9)
	if f[0] != 0 || f[1] != 1 {
		t.Errorf("collapsed fractions %v, want [0 1]", f)
	}
	// Hand-made: nearest center wins, far and NaN samples count nowhere.
	f = ModeFractions([]float64{-2, -1.5, 0.1, 2.5, 10, math.NaN()}, []float64{-2, 0, 2}, 1)
	want := []float64{2.0 / 6, 1.0 / 6, 1.0 / 6}
	for i := range want {
		if math.Abs(f[i]-want[i]) > 1e-15 {
			t.Errorf("fractions %v, want %v", f, want)
		}
	}
}

func ExampleModeFractions() {
	// A generator that collapsed onto the right mode of 0.5·N(-2,0.3²)+0.5·N(2,0.3²).
	samples := []float64{1.9, 2.1, 2.0, 1.8, 2.2, 5.0}
	fmt.Println(ModeFractions(samples, []float64{-2, 2}, 0.9))
	// Output: [0 0.8333333333333334]
}

func TestScalarImages(t *testing.T) {
	im := ScalarImages([]float64{3, -1, 2})
	if im.N != 3 || im.H != 1 || im.W != 1 || im.C != 1 || im.Validate() != nil || im.Pix[1] != -1 ||
		im.Range != (ValueRange{-1, 3}) {
		t.Errorf("got %+v", im)
	}
}

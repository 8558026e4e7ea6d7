package ganlib

import (
	"fmt"
	"math"
	"testing"

	"github.com/gan-notebooks/gan/data"
)

// log4 is -C(G) at the global optimum (Theorem 1).
var log4 = math.Log(4)

func mustQuad(t *testing.T, a, b float64, panels, order int) Quadrature {
	t.Helper()
	q, err := NewQuadrature(a, b, panels, order)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestOptimalDiscriminator(t *testing.T) {
	// hand derivation: p_data/(p_data+p_g); 1/2 by convention where both are 0
	for _, tc := range []struct {
		name      string
		pData, pG float64
		want, tol float64
	}{
		{"equal densities", 1, 1, 0.5, 0},
		{"data three times as dense", 3, 1, 0.75, 1e-15},
		{"no generated mass", 2, 0, 1, 0},
		{"no data mass", 0, 2, 0, 0},
		{"neither", 0, 0, 0.5, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := OptimalDiscriminator(tc.pData, tc.pG); math.Abs(got-tc.want) > tc.tol {
				t.Errorf("OptimalDiscriminator(%g, %g) = %g, want %g", tc.pData, tc.pG, got, tc.want)
			}
		})
	}
}

func TestNewQuadratureErrors(t *testing.T) {
	for _, tc := range []struct {
		name          string
		a, b          float64
		panels, order int
	}{
		{"empty interval", 1, 1, 10, 4},
		{"infinite bound", 0, math.Inf(1), 10, 4},
		{"no panels", 0, 1, 0, 4},
		{"no nodes", 0, 1, 10, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewQuadrature(tc.a, tc.b, tc.panels, tc.order); err == nil {
				t.Errorf("NewQuadrature(%g, %g, %d, %d) gave no error", tc.a, tc.b, tc.panels, tc.order)
			}
		})
	}
	if _, err := QuadratureFor(); err == nil {
		t.Error("QuadratureFor() with no distributions gave no error")
	}
	if v := (Quadrature{}).Integrate(math.Sin); !math.IsNaN(v) {
		t.Errorf("zero Quadrature integrated to %g, want NaN", v)
	}
}

func TestQuadratureIntegrate(t *testing.T) {
	std := data.Gaussian{Mu: 0, Sigma: 1}
	q, err := QuadratureFor(std)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		q         Quadrature
		f         func(float64) float64
		want, tol float64
	}{
		// exact: a 3-node rule integrates degree-5 polynomials exactly
		{"x^5 - x^2 on [0, 2], one panel", mustQuad(t, 0, 2, 1, 3),
			func(x float64) float64 { return math.Pow(x, 5) - x*x }, 64.0/6 - 8.0/3, 1e-12},
		// the density integrates to 1, its second moment is sigma^2 = 1
		{"N(0,1) mass", q, std.PDF, 1, 1e-12},
		{"N(0,1) variance", q, func(x float64) float64 { return x * x * std.PDF(x) }, 1, 1e-12},
		// ∫_0^π sin = 2
		{"sin on [0, π]", mustQuad(t, 0, math.Pi, 10, 8), math.Sin, 2, 1e-13},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.q.Integrate(tc.f); math.Abs(got-tc.want) > tc.tol {
				t.Errorf("got %.15g, want %.15g (tol %g)", got, tc.want, tc.tol)
			}
		})
	}
	// Nodes + IntegrateValues give the same estimate as Integrate
	nodes := q.Nodes()
	vals := make([]float64, len(nodes))
	for i, x := range nodes {
		vals[i] = std.PDF(x)
		if i > 0 && !(x > nodes[i-1]) {
			t.Fatalf("Nodes()[%d] = %g not above %g", i, x, nodes[i-1])
		}
	}
	if got, err := q.IntegrateValues(vals); err != nil || math.Abs(got-q.Integrate(std.PDF)) > 1e-15 {
		t.Errorf("IntegrateValues = %v, %v; want Integrate's %v", got, err, q.Integrate(std.PDF))
	}
	if _, err := q.IntegrateValues(vals[1:]); err == nil {
		t.Error("IntegrateValues with a missing value gave no error")
	}
	if r := q.Refined(); r.Panels != 2*q.Panels || r.A != q.A || r.B != q.B {
		t.Errorf("Refined() = %+v, want twice the panels of %+v", r, q)
	}
}

func TestDivergences(t *testing.T) {
	n01, n12 := data.Gaussian{Mu: 0, Sigma: 1}, data.Gaussian{Mu: 1, Sigma: 2}
	qGauss, err := QuadratureFor(n01, n12)
	if err != nil {
		t.Fatal(err)
	}
	u01, u23, u02 := data.Uniform{A: 0, B: 1}, data.Uniform{A: 2, B: 3}, data.Uniform{A: 0, B: 2}
	// panel edges at multiples of 0.01 fall on the uniforms' jumps
	qUnif := mustQuad(t, -1, 4, 500, 8)
	for _, tc := range []struct {
		name      string
		got       func() float64
		want, tol float64
	}{
		// closed form: KL(N(m1,s1²)||N(m2,s2²)) = log(s2/s1) + (s1²+(m1-m2)²)/(2 s2²) - 1/2
		//   = log 2 + 2/8 - 1/2
		{"KL N(0,1)||N(1,4)", func() float64 { return KL(n01.PDF, n12.PDF, qGauss) }, 0.4431471805599453, 1e-10},
		{"KL of a density with itself", func() float64 { return KL(n01.PDF, n01.PDF, qGauss) }, 0, 1e-15},
		{"JSD of a density with itself", func() float64 { return JSD(n01.PDF, n01.PDF, qGauss) }, 0, 1e-15},
		// Theorem 1: C = -log 4 when p_g = p_data
		{"C at p_g = p_data", func() float64 { return CriterionC(n01.PDF, n01.PDF, qGauss) }, -log4, 1e-12},
		// disjoint supports: JSD = log 2, C = -log 4 + 2 log 2 = 0
		{"JSD disjoint", func() float64 { return JSD(u01.PDF, u23.PDF, qUnif) }, math.Log(2), 1e-12},
		{"C disjoint", func() float64 { return CriterionC(u01.PDF, u23.PDF, qUnif) }, 0, 1e-12},
		// hand derivation: p = 1 on [0,1], p_g = 1/2 on [0,2]:
		//   C = log(1/1.5) + 0.5·log(0.5/1.5) + ∫_1^2 0.5·log 1 = log(2/3) + log(1/3)/2
		{"C U(0,1) vs U(0,2)", func() float64 { return CriterionC(u01.PDF, u02.PDF, qUnif) },
			-0.9547712524422194, 1e-12},
		{"KL U(0,1)||U(0,2) = log 2", func() float64 { return KL(u01.PDF, u02.PDF, qUnif) }, math.Log(2), 1e-12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.got(); math.Abs(got-tc.want) > tc.tol {
				t.Errorf("got %.15g, want %.15g (tol %g)", got, tc.want, tc.tol)
			}
		})
	}
	// a subnormal density value halved by Mid rounds to 0; its term counts as 0
	tiny := func(float64) float64 { return 5e-324 }
	if kl := KL(tiny, Mid(tiny, func(float64) float64 { return 0 }), qUnif); kl != 0 {
		t.Errorf("KL of a subnormal density against its half = %g, want 0", kl)
	}
	if kl := KL(u02.PDF, u01.PDF, qUnif); !math.IsInf(kl, 1) {
		t.Errorf("KL(U(0,2)||U(0,1)) = %g, want +Inf (support not covered)", kl)
	}
}

// TestTheorem1Identities checks C(G) = -log 4 + 2·JSD and its KL form
// (Equation 5) for pairs of densities with no closed form.
func TestTheorem1Identities(t *testing.T) {
	for _, tc := range []struct {
		name      string
		data, gen data.Dist1D
	}{
		{"shifted Gaussian", data.Gaussian{Mu: 0, Sigma: 1}, data.Gaussian{Mu: 1.5, Sigma: 1}},
		{"wider Gaussian", data.Gaussian{Mu: 0, Sigma: 1}, data.Gaussian{Mu: 0, Sigma: 3}},
		{"bimodal vs Gaussian", data.Bimodal(2, 0.3), data.Gaussian{Mu: 0.5, Sigma: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := QuadratureFor(tc.data, tc.gen)
			if err != nil {
				t.Fatal(err)
			}
			pd, pg := tc.data.PDF, tc.gen.PDF
			c := CriterionC(pd, pg, q)
			jsd := JSD(pd, pg, q)
			klForm := -log4 + KL(pd, Mid(pd, pg), q) + KL(pg, Mid(pd, pg), q)
			dStar := func(x float64) float64 { return OptimalDiscriminator(pd(x), pg(x)) }
			// tolerance: the identities are exact pointwise given ∫p = 1, which
			// the rule reaches to ~1e-13 (TestQuadratureIntegrate)
			const tol = 1e-10
			if d := math.Abs(c - (-log4 + 2*jsd)); d > tol {
				t.Errorf("C = %.12g, -log4 + 2 JSD = %.12g, differ by %g", c, -log4+2*jsd, d)
			}
			if d := math.Abs(c - klForm); d > tol {
				t.Errorf("C = %.12g, KL form = %.12g, differ by %g", c, klForm, d)
			}
			if v := Value1D(pd, pg, dStar, q); math.Abs(v-c) > tol {
				t.Errorf("V(G, D*) = %.12g, C = %.12g", v, c)
			}
			if !(c > -log4+1e-3 && c < 0) {
				t.Errorf("C = %g, want strictly inside (-log 4, 0) for p_g != p_data", c)
			}
			// any other D does worse (Proposition 1): D = 1/2 gives -log 4
			// exactly, a constant 0.6 gives log 0.6 + log 0.4 (hand derivation)
			half := Value1D(pd, pg, func(float64) float64 { return 0.5 }, q)
			if math.Abs(half+log4) > 1e-12 || half > c {
				t.Errorf("V(G, 1/2) = %.15g, want -log 4 = %.15g and <= C = %g", half, -log4, c)
			}
			c6 := Value1D(pd, pg, func(float64) float64 { return 0.6 }, q)
			if math.Abs(c6-(-1.4271163556401456)) > 1e-12 {
				t.Errorf("V(G, 0.6) = %.15g, want log 0.6 + log 0.4 = -1.4271163556401456", c6)
			}
			// quadrature error estimate: halving the panels changes C by < 1e-12
			if d := math.Abs(CriterionC(pd, pg, q.Refined()) - c); d > 1e-12 {
				t.Errorf("refining the rule changed C by %g", d)
			}
		})
	}
}

func TestBinMassesAndSoftmax(t *testing.T) {
	got, err := BinMasses(data.Uniform{A: 0, B: 1}, 0, 1, 4)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range got {
		if math.Abs(v-0.25) > 1e-15 {
			t.Errorf("uniform bin %d mass %g, want 0.25", i, v)
		}
	}
	// renormalised: U(0, 2) on [0, 1] puts all of the kept mass in 2 bins
	got, err = BinMasses(data.Uniform{A: 0, B: 2}, 0, 1, 2)
	if err != nil || math.Abs(got[0]-0.5) > 1e-15 || math.Abs(got[1]-0.5) > 1e-15 {
		t.Errorf("BinMasses(U(0,2), [0,1], 2) = %v, %v; want [0.5 0.5]", got, err)
	}
	if _, err := BinMasses(data.Uniform{A: 0, B: 1}, 5, 6, 3); err == nil {
		t.Error("BinMasses on an interval with no mass gave no error")
	}
	if _, err := BinMasses(data.Uniform{A: 0, B: 1}, 1, 0, 3); err == nil {
		t.Error("BinMasses with lo > hi gave no error")
	}
	// softmax([0, log 3]) = [1/4, 3/4]; large logits do not overflow
	p := Softmax([]float64{0, math.Log(3)})
	if math.Abs(p[0]-0.25) > 1e-15 || math.Abs(p[1]-0.75) > 1e-15 {
		t.Errorf("Softmax([0, log 3]) = %v, want [0.25 0.75]", p)
	}
	p = Softmax([]float64{1000, 1000})
	if p[0] != 0.5 || p[1] != 0.5 {
		t.Errorf("Softmax([1000, 1000]) = %v, want [0.5 0.5]", p)
	}
}

func TestDiscreteC(t *testing.T) {
	for _, tc := range []struct {
		name      string
		pData, pG []float64
		want, tol float64
	}{
		{"equal", []float64{0.2, 0.3, 0.5}, []float64{0.2, 0.3, 0.5}, -log4, 1e-15},
		{"disjoint", []float64{1, 0}, []float64{0, 1}, 0, 0},
		// hand derivation: bins (1/2, 1/2) vs (1, 0): bin 1 gives
		//   1/2 log(0.5/1.5) + 1 log(1/1.5), bin 2 gives 1/2 log(0.5/0.5) = 0,
		// so C = log(1/3)/2 + log(2/3), as for U(0,1) vs U(0,2) above
		{"half overlap", []float64{0.5, 0.5}, []float64{1, 0}, -0.9547712524422194, 1e-15},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DiscreteC(tc.pData, tc.pG); math.Abs(got-tc.want) > tc.tol {
				t.Errorf("DiscreteC = %.16g, want %.16g", got, tc.want)
			}
		})
	}
	// ∂C/∂pG against central differences in each coordinate
	pData, pG := []float64{0.1, 0.6, 0.3}, []float64{0.3, 0.3, 0.4}
	grad := DiscreteCGradient(pData, pG)
	const h = 1e-6
	for i := range pG {
		up, down := append([]float64(nil), pG...), append([]float64(nil), pG...)
		up[i] += h
		down[i] -= h
		fd := (DiscreteC(pData, up) - DiscreteC(pData, down)) / (2 * h)
		if math.Abs(fd-grad[i]) > 1e-8 {
			t.Errorf("∂C/∂pG[%d] = %.10g, finite difference %.10g", i, grad[i], fd)
		}
		// and it is log(1 - D*)
		if want := math.Log(1 - OptimalDiscriminator(pData[i], pG[i])); math.Abs(grad[i]-want) > 1e-15 {
			t.Errorf("∂C/∂pG[%d] = %g, want log(1 - D*) = %g", i, grad[i], want)
		}
	}
	g := DiscreteCGradient([]float64{1, 0}, []float64{0, 0})
	if !math.IsInf(g[0], -1) || g[1] != math.Log(0.5) {
		t.Errorf("DiscreteCGradient at empty bins = %v, want [-Inf log(1/2)]", g)
	}
}

func TestHistogramGenerator(t *testing.T) {
	pData := []float64{0.1, 0.2, 0.4, 0.2, 0.1, 0}
	h := &HistogramGenerator{Logits: []float64{0.3, -0.2, 0.1, 0.5, -0.4, 0.2}}

	// one step equals a step along the finite-difference gradient in logits
	const lr, eps = 0.5, 1e-6
	before := append([]float64(nil), h.Logits...)
	fd := make([]float64, len(before))
	for j := range before {
		up, down := append([]float64(nil), before...), append([]float64(nil), before...)
		up[j] += eps
		down[j] -= eps
		fd[j] = (DiscreteC(pData, Softmax(up)) - DiscreteC(pData, Softmax(down))) / (2 * eps)
	}
	c0, err := h.Step(pData, lr)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(c0-DiscreteC(pData, Softmax(before))) > 1e-15 {
		t.Errorf("Step returned C = %g, want C before the step", c0)
	}
	for j := range before {
		if got := (before[j] - h.Logits[j]) / lr; math.Abs(got-fd[j]) > 1e-8 {
			t.Errorf("∂C/∂θ[%d] = %.10g, finite difference %.10g", j, got, fd[j])
		}
	}

	// gradient descent decreases C monotonically towards -log 4 (Proposition 2)
	prev := c0
	for i := range 3000 {
		c, err := h.Step(pData, 2)
		if err != nil {
			t.Fatal(err)
		}
		if c > prev+1e-15 {
			t.Fatalf("step %d: C rose from %.15g to %.15g", i, prev, c)
		}
		prev = c
	}
	if gap := DiscreteC(pData, h.PG()) + log4; !(gap >= 0 && gap < 1e-3) {
		t.Errorf("after 3000 steps C + log 4 = %g, want in [0, 1e-3)", gap)
	}
	if _, err := h.Step(pData[:3], lr); err == nil {
		t.Error("Step with mismatched bins gave no error")
	}
}

// C(G) by quadrature for two unit Gaussians 1.5 apart, and at the optimum
// p_g = p_data, where Theorem 1 gives -log 4 = -1.386294.
func ExampleCriterionC() {
	pData, pG := data.Gaussian{Mu: 0, Sigma: 1}, data.Gaussian{Mu: 1.5, Sigma: 1}
	q, _ := QuadratureFor(pData, pG)
	c := CriterionC(pData.PDF, pG.PDF, q)
	jsd := JSD(pData.PDF, pG.PDF, q)
	fmt.Printf("C(G) = %.6f = -log 4 + 2·%.6f\n", c, jsd)
	fmt.Printf("at p_g = p_data: %.6f\n", CriterionC(pData.PDF, pData.PDF, q))
	// Output:
	// C(G) = -0.943953 = -log 4 + 2·0.221171
	// at p_g = p_data: -1.386294
}

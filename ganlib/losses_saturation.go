package ganlib

import (
	"fmt"
	"math"
)

// Defaults of SaturationMonitor.
const (
	// DefaultSaturationWindow is the number of most recent steps averaged.
	DefaultSaturationWindow = 50
	// DefaultSaturationRealMin: mean D(x) at or above it counts as "D sure
	// the data is real".
	DefaultSaturationRealMin = 0.99
	// DefaultSaturationFakeMax: mean D(G(z)) at or below it counts as "D sure
	// the samples are fake"; there the minimax G gradient, -D(G(z)) per
	// sample with respect to D's logit, is below 0.01 (cases.md GAN-01).
	DefaultSaturationFakeMax = 0.01
)

// SaturationMonitor watches the per-step means of D(x) and D(G(z)) and raises
// a "discriminator saturated" flag when D wins outright: early in training
// (Section 3), or when the data has a feature G cannot produce (e.g. exact
// zeros), D rejects G's samples with near certainty and the minimax G loss
// log(1 - D(G(z))) gives G almost no gradient.
//
// Rule: the flag is up while the monitor has seen at least Window steps and,
// over the last Window steps, mean D(x) >= RealMin and mean D(G(z)) <=
// FakeMax. Non-finite inputs count as saturated steps (D's outputs are no
// longer usable). Defaults (zero fields): Window 50, RealMin 0.99, FakeMax
// 0.01. Example: 100 steps of D(x) = 0.999, D(G(z)) = 0.0005 raise it;
// D(x) = 0.6, D(G(z)) = 0.4 never does.
//
// The zero value is ready to use. Not safe for concurrent use.
type SaturationMonitor struct {
	Window           int
	RealMin, FakeMax float64

	steps          int       // steps observed
	real, fake     []float64 // ring buffers of the last Window steps
	sumReal        float64
	sumFake        float64
	firstSaturated int // step (1-based) at which the flag first went up; 0: never
	saturatedSteps int // number of steps at which the flag was up
	nonFinite      int // steps with a non-finite input
}

// NewSaturationMonitor returns a monitor with the default rule.
func NewSaturationMonitor() *SaturationMonitor { return &SaturationMonitor{} }

func (m *SaturationMonitor) window() int {
	if m.Window > 0 {
		return m.Window
	}
	return DefaultSaturationWindow
}

func (m *SaturationMonitor) realMin() float64 {
	if m.RealMin > 0 {
		return m.RealMin
	}
	return DefaultSaturationRealMin
}

func (m *SaturationMonitor) fakeMax() float64 {
	if m.FakeMax > 0 {
		return m.FakeMax
	}
	return DefaultSaturationFakeMax
}

// Observe records one training step's mean D(x) on the real batch and mean
// D(G(z)) on the generated batch (both in [0, 1]) and returns whether the
// flag is up after it.
func (m *SaturationMonitor) Observe(meanDReal, meanDFake float64) bool {
	w := m.window()
	if cap(m.real) != w {
		m.real, m.fake = make([]float64, 0, w), make([]float64, 0, w)
		m.sumReal, m.sumFake = 0, 0
	}
	if math.IsNaN(meanDReal) || math.IsInf(meanDReal, 0) || math.IsNaN(meanDFake) || math.IsInf(meanDFake, 0) {
		m.nonFinite++
		meanDReal, meanDFake = 1, 0 // counts as a saturated step
	}
	if len(m.real) == cap(m.real) {
		i := m.steps % w
		m.sumReal += meanDReal - m.real[i]
		m.sumFake += meanDFake - m.fake[i]
		m.real[i], m.fake[i] = meanDReal, meanDFake
		// Re-sum now and then so rounding errors do not accumulate.
		if i == 0 {
			m.sumReal, m.sumFake = sum(m.real), sum(m.fake)
		}
	} else {
		m.real = append(m.real, meanDReal)
		m.fake = append(m.fake, meanDFake)
		m.sumReal += meanDReal
		m.sumFake += meanDFake
	}
	m.steps++
	saturated := m.Saturated()
	if saturated {
		m.saturatedSteps++
		if m.firstSaturated == 0 {
			m.firstSaturated = m.steps
		}
	}
	return saturated
}

func sum(xs []float64) (s float64) {
	for _, x := range xs {
		s += x
	}
	return s
}

// Means returns the mean D(x) and D(G(z)) over the last Window steps (or
// fewer, at the start; NaN before the first step).
func (m *SaturationMonitor) Means() (meanDReal, meanDFake float64) {
	if len(m.real) == 0 {
		return math.NaN(), math.NaN()
	}
	n := float64(len(m.real))
	return m.sumReal / n, m.sumFake / n
}

// Saturated reports whether the flag is up now (see the type's rule).
func (m *SaturationMonitor) Saturated() bool {
	if m.steps < m.window() {
		return false
	}
	dReal, dFake := m.Means()
	return dReal >= m.realMin() && dFake <= m.fakeMax()
}

// Steps returns the number of steps observed.
func (m *SaturationMonitor) Steps() int { return m.steps }

// FirstSaturatedStep returns the step (1-based) at which the flag first went
// up, or 0 if it never did.
func (m *SaturationMonitor) FirstSaturatedStep() int { return m.firstSaturated }

// SaturatedSteps returns the number of steps after which the flag was up.
func (m *SaturationMonitor) SaturatedSteps() int { return m.saturatedSteps }

// String implements fmt.Stringer: a one-line status for progress displays,
// starting with "DISCRIMINATOR SATURATED" while the flag is up.
func (m *SaturationMonitor) String() string {
	dReal, dFake := m.Means()
	w := min(m.window(), m.steps)
	status := fmt.Sprintf("mean D(x)=%.4f, mean D(G(z))=%.4f over the last %d steps", dReal, dFake, w)
	if m.nonFinite > 0 {
		status += fmt.Sprintf(" (%d non-finite steps)", m.nonFinite)
	}
	if m.Saturated() {
		return fmt.Sprintf("DISCRIMINATOR SATURATED since step %d: %s (D(x) >= %g and D(G(z)) <= %g); "+
			"the minimax G loss gets almost no gradient here, the non-saturating loss still does",
			m.firstSaturated, status, m.realMin(), m.fakeMax())
	}
	return status
}

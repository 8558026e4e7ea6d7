package ganlib

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestSaturationMonitor is cases.md GAN-01's metrics half: 100 steps of
// D(x) = 0.999, D(G(z)) = 0.0005 raise the flag; 0.6 / 0.4 never does.
func TestSaturationMonitor(t *testing.T) {
	tests := []struct {
		name          string
		dReal, dFake  float64
		steps         int
		wantSaturated bool
		wantFirst     int // step at which the flag first goes up (0: never)
	}{
		{"D wins outright (cases.md GAN-01)", 0.999, 0.0005, 100, true, DefaultSaturationWindow},
		{"balanced game (cases.md GAN-01)", 0.6, 0.4, 100, false, 0},
		{"at equilibrium D = 1/2 (Theorem 1)", 0.5, 0.5, 100, false, 0},
		{"D sure of the data only", 0.999, 0.3, 100, false, 0},
		{"D rejects samples but doubts the data", 0.7, 0.0005, 100, false, 0},
		{"too few steps to judge", 0.999, 0.0005, DefaultSaturationWindow - 1, false, 0},
		{"NaN counts as saturated", math.NaN(), 0.0005, 100, true, DefaultSaturationWindow},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m SaturationMonitor // zero value works
			for range tc.steps {
				m.Observe(tc.dReal, tc.dFake)
			}
			if m.Saturated() != tc.wantSaturated {
				t.Errorf("Saturated() = %v, want %v: %s", m.Saturated(), tc.wantSaturated, &m)
			}
			if m.FirstSaturatedStep() != tc.wantFirst {
				t.Errorf("FirstSaturatedStep() = %d, want %d", m.FirstSaturatedStep(), tc.wantFirst)
			}
			if got := strings.HasPrefix(m.String(), "DISCRIMINATOR SATURATED"); got != tc.wantSaturated {
				t.Errorf("String() = %q: flag shown = %v, want %v", m.String(), got, tc.wantSaturated)
			}
			if m.Steps() != tc.steps {
				t.Errorf("Steps() = %d, want %d", m.Steps(), tc.steps)
			}
		})
	}
}

// TestSaturationMonitorRecovers: the flag comes down once the last Window
// steps are balanced again, and the means follow the window.
func TestSaturationMonitorRecovers(t *testing.T) {
	m := &SaturationMonitor{Window: 10}
	for range 20 {
		m.Observe(0.999, 0.0005)
	}
	if !m.Saturated() || m.SaturatedSteps() != 11 {
		t.Fatalf("after 20 saturated steps: %v, %d saturated steps; want true, 11", m.Saturated(), m.SaturatedSteps())
	}
	for i := range 10 {
		m.Observe(0.6, 0.4)
		// after one balanced step the window's mean D(x) is (9·0.999 + 0.6)/10 = 0.959 < 0.99
		if m.Saturated() {
			t.Errorf("still saturated after %d balanced steps: %s", i+1, m)
		}
	}
	dReal, dFake := m.Means()
	if m.Saturated() || math.Abs(dReal-0.6) > 1e-12 || math.Abs(dFake-0.4) > 1e-12 {
		t.Errorf("after 10 balanced steps: saturated %v, means %g, %g; want false, 0.6, 0.4", m.Saturated(), dReal, dFake)
	}
	if m.FirstSaturatedStep() != 10 {
		t.Errorf("FirstSaturatedStep() = %d, want 10", m.FirstSaturatedStep())
	}
}

// ExampleSaturationMonitor feeds the stream of cases.md GAN-01.
func ExampleSaturationMonitor() {
	m := NewSaturationMonitor()
	for range 100 {
		m.Observe(0.999, 0.0005)
	}
	fmt.Println(m.Saturated())
	fmt.Println(m)
	// Output:
	// true
	// DISCRIMINATOR SATURATED since step 50: mean D(x)=0.9990, mean D(G(z))=0.0005 over the last 50 steps (D(x) >= 0.99 and D(G(z)) <= 0.01); the minimax G loss gets almost no gradient here, the non-saturating loss still does
}

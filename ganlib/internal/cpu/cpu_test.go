package cpu

import (
	"math"
	"testing"
)

// TestClearAVXUpperState checks that the call returns and leaves float64
// maths intact (VZEROUPPER must not clobber the lower halves Go relies on
// across a call: Go's ABI treats X registers as caller-saved).
func TestClearAVXUpperState(t *testing.T) {
	x := math.Exp(1.5)
	ClearAVXUpperState()
	if got := math.Exp(1.5); got != x {
		t.Fatalf("math.Exp(1.5) = %v after ClearAVXUpperState, want %v", got, x)
	}
	t.Logf("HasAVX = %v", HasAVX)
}

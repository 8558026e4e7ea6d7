package evaluation

import (
	"math"
	"runtime"
	"testing"

	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend" // registers the pure-Go backend, "go"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/gan-notebooks/gan/ganlib/internal/cpu"
)

// expLoop is the exp-heavy kernel of the Parzen log-sum-exp.
func expLoop(n int) float64 {
	var s float64
	for i := range n {
		s += math.Exp(-float64(i&1023) * 1e-3)
	}
	return s
}

var expSink float64

// BenchmarkExpAfterGoMLX shows the AVX upper-state trap: after GoMLX's
// pure-Go backend runs a SIMD computation (a float32 matrix product and an
// exp, which use AVX registers when built with GOEXPERIMENT=simd) on the
// same OS thread, Go's math.Exp can slow down by orders of magnitude until
// VZEROUPPER (cpu.ClearAVXUpperState) is executed. Each iteration runs the
// GoMLX computation (not timed) and then 1e6 math.Exp calls (timed). How
// much it costs depends on the CPU: Intel cores with AVX-512 pay the most;
// on the AMD EPYC development machine of this project no slowdown showed.
//
//	GOEXPERIMENT=simd GOMLX_BACKEND=go go test ./ganlib/evaluation/ -run '^$' -bench ExpAfterGoMLX
func BenchmarkExpAfterGoMLX(b *testing.B) {
	backend, err := compute.NewWithConfig("go")
	if err != nil {
		b.Skipf("GoMLX go backend: %v", err)
	}
	defer backend.Finalize()
	exec, err := graph.NewExec(backend, func(x *graph.Node) *graph.Node {
		return graph.ReduceAllSum(graph.Exp(graph.MatMul(x, x)))
	})
	if err != nil {
		b.Fatal(err)
	}
	defer exec.Finalize()
	const dim = 256
	values := make([]float32, dim*dim)
	for i := range values {
		values[i] = float32(i%7) * 1e-3
	}
	x := tensors.FromFlatDataAndDimensions(values, dim, dim)
	runGoMLX := func() {
		out, err := exec.Call(x)
		if err != nil {
			b.Fatal(err)
		}
		for _, t := range out {
			t.FinalizeAll()
		}
	}

	cases := []struct {
		name                 string
		gomlx, direct, clear bool
	}{
		{"baseline_no_gomlx", false, false, false},
		{"after_gomlx", true, false, false},
		{"after_gomlx_cleared", true, false, true},
		// the same trap without GoMLX's thread pool in between: one archsimd
		// operation on this very thread
		{"after_archsimd_op", false, true, false},
		{"after_archsimd_op_cleared", false, true, true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			// keep the computation and the exp loop on one OS thread
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			for b.Loop() {
				if c.gomlx {
					b.StopTimer()
					runGoMLX()
					b.StartTimer()
				}
				if c.direct && !dirtyUpperState() {
					b.Skip("no archsimd AVX2 in this build or CPU")
				}
				if c.clear {
					cpu.ClearAVXUpperState()
				}
				expSink += expLoop(1_000_000)
			}
		})
	}
}

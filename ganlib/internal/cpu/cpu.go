// Package cpu holds small CPU-state helpers for pure-Go numerics that run in
// the same process as GoMLX's SIMD backend.
//
// After code that uses 256- or 512-bit AVX registers returns without executing
// VZEROUPPER, the upper halves of the YMM/ZMM registers stay "dirty" on that
// thread. Legacy SSE instructions, which Go's compiler and gonum's assembly
// use for float64 maths (math.Exp, f64.DotUnitary, ...), then pay a state
// transition or false-dependency penalty on every instruction: math.Exp has
// been measured ~150x slower after GoMLX's simd backend ran. ClearAVXUpperState
// zeroes the upper halves and removes the penalty.
package cpu

import "golang.org/x/sys/cpu"

// HasAVX reports whether the processor and OS support AVX, i.e. whether
// ClearAVXUpperState executes VZEROUPPER (otherwise it does nothing).
var HasAVX = cpu.X86.HasAVX

// ClearAVXUpperState executes VZEROUPPER on amd64 CPUs with AVX and does
// nothing elsewhere. It only affects the OS thread the calling goroutine is
// running on at that moment, so long-running pure-Go loops should call it at
// the start of each unit of work (each goroutine, each chunk), not just once.
// It costs a few cycles.
func ClearAVXUpperState() {
	if HasAVX {
		vzeroupper()
	}
}

package kernelext

import "testing"

// BenchmarkGridPNG: 100 MNIST-sized samples, 10 per row, scale 2, to PNG.
func BenchmarkGridPNG(b *testing.B) {
	imgs := syntheticDigits(100)
	for b.Loop() {
		if _, err := GridPNG(imgs, GridOptions{Cols: 10, Scale: 2}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLiveHTML: one live-view redraw (2 plots of 5000 steps + a 64-sample grid).
func BenchmarkLiveHTML(b *testing.B) {
	s := LiveSnapshot{Title: "bench", Step: 4999, Points: fakePoints(5000), Samples: syntheticDigits(64),
		Grid: GridOptions{Cols: 8}}
	for b.Loop() {
		if _, err := LiveHTML(s); err != nil {
			b.Fatal(err)
		}
	}
}

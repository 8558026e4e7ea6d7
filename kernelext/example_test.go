package kernelext_test

import (
	"fmt"
	"time"

	"github.com/gan-notebooks/gan/kernelext"
)

// The 8-bit levels of GAN-15: tanh outputs in [-1, 1], clamped outside.
func ExampleToUint8() {
	for _, v := range []float32{-1.7, -1, -0.2, 0, 0.5, 1, 1.2} {
		fmt.Printf("%d,", kernelext.ToUint8(v, -1, 1))
	}
	fmt.Println()
	for _, v := range []float32{0, 0.5, 0.999, 1} {
		fmt.Printf("%d,", kernelext.ToUint8(v, 0, 1))
	}
	fmt.Println()
	// Output:
	// 0,0,102,128,191,255,255,
	// 0,128,255,255,
}

// Rows of 5 MNIST samples, padding 2, scale 3: (5*28 + 6*2)*3 = 456 wide,
// (2*28 + 3*2)*3 = 186 high. With GridOptions.Neighbours set (the paper's
// Figure 2), a gap of 4, a tile and a pad add (4+28+2)*3: 558 wide.
func ExampleGridOptions_Layout() {
	opts := kernelext.GridOptions{Cols: 5, Pad: 2, Scale: 3}
	fmt.Printf("%+v\n", opts.Layout(10, 28, 28))
	// Output:
	// {Rows:2 Cols:5 Width:456 Height:186 TileW:84 TileH:84 NeighbourX:-1}
}

// Positive log-likelihoods keep their value and sign (GAN-26).
func ExampleFormatLogLik() {
	fmt.Println(kernelext.FormatLogLik(225, 2, 0))
	fmt.Println(kernelext.FormatLogLik(9.495375, 0, 6))
	fmt.Println(kernelext.FormatLogLik(-3.713923, 0.05, 2))
	fmt.Println(kernelext.ParzenProtocol(0.2, 10000, 10000))
	// Output:
	// 225 ± 2
	// 9.495375 ± 0.000000
	// -3.71 ± 0.05
	// Parzen window log-likelihood in nats: σ = 0.2, 10000 generated samples, 10000 test points
}

func ExampleProgressLine() {
	fmt.Println(kernelext.ProgressLine("parzen", 250, 1000, 5*time.Second))
	fmt.Println(kernelext.ProgressLine("sampling", 30, 0, 2*time.Second))
	// Output:
	// parzen 250/1000 (25.0%) 50.0/s, 15s left, 5s elapsed
	// sampling 30 15.0/s, 2s elapsed
}

func ExampleCollapseBadgeHTML() {
	// GAN-09 (a): 4 identical samples have mean pairwise distance 0.
	fmt.Println(kernelext.CollapseBadgeHTML(true, 0, 0.5, "mean pairwise L2"))
	// Output:
	// <span style="display:inline-block;padding:2px 8px;border-radius:10px;background:#cf222e;color:white;font:12px sans-serif">mode collapse: mean pairwise L2 = 0 &lt; 0.5</span>
}

func ExampleTable_HTML() {
	t := kernelext.Table{
		Caption:   "Table 1 (MNIST)",
		Header:    []string{"Model", "Parzen log-likelihood"},
		Rows:      [][]string{{"Deep GSN", "214 ± 1.1"}, {"Adversarial nets", "225 ± 2"}},
		Highlight: "Adversarial nets",
		Note:      kernelext.ParzenProtocol(0.2, 10000, 10000),
	}
	fmt.Print(t.HTML())
	// Output:
	// <table style="border-collapse:collapse;font:13px sans-serif">
	// <caption style="caption-side:top;text-align:left;font-weight:bold">Table 1 (MNIST)</caption>
	// <thead><tr><th style="border-bottom:1px solid #888;padding:2px 8px">Model</th><th style="border-bottom:1px solid #888;padding:2px 8px">Parzen log-likelihood</th></tr></thead>
	// <tbody>
	// <tr><td style="padding:2px 8px;text-align:left">Deep GSN</td><td style="padding:2px 8px;text-align:right">214 ± 1.1</td></tr>
	// <tr style="background:#fff3b0;font-weight:bold"><td style="padding:2px 8px;text-align:left">Adversarial nets</td><td style="padding:2px 8px;text-align:right">225 ± 2</td></tr>
	// </tbody>
	// </table>
	// <div style="font:12px sans-serif;color:#555">Parzen window log-likelihood in nats: σ = 0.2, 10000 generated samples, 10000 test points</div>
}

func ExampleMetricPoint_Check() {
	nan := 0.0
	nan = nan / nan
	fmt.Println(kernelext.MetricPoint{Step: 3, DLoss: nan}.Check())
	// Output:
	// kernelext: D loss is NaN at step 3
}

func ExampleFormatParzen() {
	fmt.Println(kernelext.FormatParzen(225, 2, 0.2, 10000))
	// GAN-26 (b): memorised samples, N = 1000, sigma = 1e-5: a positive value
	fmt.Println(kernelext.FormatParzen(3.686232, 0, 1e-5, 1000))
	// GAN-26 (a): {0, 10, 20}, sigma = 1e-5, scored at the samples themselves
	// (9.495375 is stored just below the half, so 6 digits give ...37)
	fmt.Println(kernelext.FormatParzen(9.495375, 0, 1e-5, 3))
	// Output:
	// 225 ± 2 nats (σ = 0.2, 10000 samples)
	// 3.68623 ± 0 nats (σ = 1e-05, 1000 samples)
	// 9.49537 ± 0 nats (σ = 1e-05, 3 samples)
}

func ExampleDiffTable() {
	a := map[string]string{"g_hidden": "1200", "d_pieces": "5", "lr": "0.1"}
	b := map[string]string{"g_hidden": "1200", "d_pieces": "2", "momentum": "0.5"}
	t := kernelext.DiffTable("paper vs quick", "paper", "quick", a, b)
	fmt.Println(t.Rows)
	fmt.Println(t.Note)
	// Output:
	// [[d_pieces 5 2] [lr 0.1 —] [momentum — 0.5]]
	// 3 settings differ, 1 are equal
}

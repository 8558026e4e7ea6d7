package ganlib

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gan-notebooks/gan/data"
	"github.com/gomlx/gomlx/core/tensors"
)

// TestMeanPairwiseL2 is cases.md GAN-09 (a) and (b).
func TestMeanPairwiseL2(t *testing.T) {
	tests := []struct {
		name          string
		images        *data.Images
		want          float64
		tol           float64
		wantCollapsed bool
	}{
		{
			// (a) 4 identical samples: distance 0, flagged
			name: "4 identical samples",
			images: &data.Images{N: 4, H: 2, W: 2, C: 1, Range: data.RangeUnit,
				Pix: []float32{.1, .2, .3, .4, .1, .2, .3, .4, .1, .2, .3, .4, .1, .2, .3, .4}},
			want: 0, tol: 0, wantCollapsed: true,
		},
		{
			// (b) (0,0), (1,0), (0,1), (1,1): (4·1 + 2·√2)/6 = 1.138071 (cases.md)
			name: "unit square corners",
			images: &data.Images{N: 4, H: 1, W: 1, C: 2, Range: data.RangeUnit,
				Pix: []float32{0, 0, 1, 0, 0, 1, 1, 1}},
			want: (4 + 2*math.Sqrt2) / 6, tol: 1e-12, wantCollapsed: false,
		},
		{
			name:   "two samples 3-4-5 apart (hand: 5)",
			images: &data.Images{N: 2, H: 1, W: 2, C: 1, Range: data.ValueRange{Min: -10, Max: 10}, Pix: []float32{0, 0, 3, 4}},
			want:   5, tol: 1e-12,
		},
		{
			name:   "one sample: 0, not flagged",
			images: &data.Images{N: 1, H: 1, W: 1, C: 2, Range: data.RangeUnit, Pix: []float32{0, 1}},
			want:   0, tol: 0,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := MeanPairwiseL2(tc.images); math.Abs(got-tc.want) > tc.tol {
				t.Errorf("MeanPairwiseL2 = %.10g, want %.10g", got, tc.want)
			}
			if got := CollapseFlag(tc.images); got != tc.wantCollapsed {
				t.Errorf("CollapseFlag = %v, want %v (%s)", got, tc.wantCollapsed,
					MeasureDiversity(tc.images, 0))
			}
		})
	}
	if got := fmt.Sprint(MeasureDiversity(tests[1].images, 0)); math.Abs(1.138071-tests[1].want) > 1e-6 ||
		!strings.Contains(got, "1.138") {
		t.Errorf("String() = %q, want it to show 1.138", got)
	}
}

// TestCollapseThroughSampler is cases.md GAN-09 (c): a generator that ignores
// z (all weights zeroed, so G(z) = sigmoid(output bias) for every z), run
// through the normal sampling path, is flagged; the same G with random
// weights is not.
func TestCollapseThroughSampler(t *testing.T) {
	backend := goBackend(t)
	gen := testMLPGenerator
	z := NoiseBatch(rand.New(rand.NewPCG(7, 7)), PriorUniform, 16, gen.NoiseDim)

	store := seededStore(t, 10)
	sampler, err := NewSampler(backend, store, gen)
	if err != nil {
		t.Fatal(err)
	}
	random, err := sampler.Sample(z, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := MeasureDiversity(random, 0); d.Collapsed {
		t.Errorf("random G flagged as collapsed: %s", d)
	}

	// zero every weight: the output no longer depends on z
	for v := range store.IterVariables() {
		if v.Name() == weightsName {
			v.MustSetValue(tensors.FromShape(v.Shape()))
		}
	}
	collapsed, err := sampler.Sample(z, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := MeasureDiversity(collapsed, 0)
	if !d.Collapsed || d.MeanPairwiseL2 != 0 {
		t.Errorf("constant G: %s; want distance 0 and the flag", d)
	}
	if !strings.Contains(d.String(), "MODE COLLAPSE") {
		t.Errorf("String() = %q, want it to say MODE COLLAPSE", d)
	}
}

// ExampleMeasureDiversity measures the four corners of the unit square.
func ExampleMeasureDiversity() {
	corners := &data.Images{N: 4, H: 1, W: 1, C: 2, Range: data.RangeUnit, Pix: []float32{0, 0, 1, 0, 0, 1, 1, 1}}
	fmt.Printf("%.6f\n", MeanPairwiseL2(corners))
	same := &data.Images{N: 3, H: 1, W: 1, C: 2, Range: data.RangeUnit, Pix: []float32{.5, .5, .5, .5, .5, .5}}
	fmt.Println(MeasureDiversity(same, 0))
	// Output:
	// 1.138071
	// MODE COLLAPSE: mean pairwise L2 0 <= 0.01414 over 3 samples
}

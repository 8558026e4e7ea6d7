package evaluation_test

import (
	"context"
	"fmt"

	"github.com/gan-notebooks/gan/ganlib/evaluation"
)

// The tiny dataset of cases.md GAN-24: two 2-D samples, three test points,
// σ = 0.5.
func ExampleParzenWithSigma() {
	samples, _ := evaluation.NewVectors(2, 2, []float32{0, 0, 1, 1})
	test, _ := evaluation.NewVectors(3, 2, []float32{0, 0, 2, 2, 0.5, 0.5})
	res, err := evaluation.ParzenWithSigma(context.Background(), samples, test, 0.5, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("per point: %.6f\n", res.PerPoint)
	fmt.Printf("mean %.6f ± %.6f nats = %.6f bits\n", res.Mean, res.StdErr, res.MeanBits())
	fmt.Println(res)
	// Output:
	// per point: [-1.126580 -5.144724 -1.451583]
	// mean -2.574295 ± 1.052165 nats = -3.713923 bits
	// -2.6 ± 1.1 nats (σ=0.5, 2 samples, 3 test points)
}

func ExampleNearestNeighbors() {
	train, _ := evaluation.NewVectors(4, 2, []float32{0, 0, 5, 5, 1, 1, 5, 5})
	samples, _ := evaluation.NewVectors(2, 2, []float32{4, 4, 0.5, 0.5})
	idx, dist, _ := evaluation.NearestNeighbors(context.Background(), samples, train, nil)
	fmt.Println(idx, dist)
	// Output:
	// [1 0] [2 0.5]
}

func ExampleClassHistogramOf() {
	// a generator stuck on digits 1 and 7
	h, _ := evaluation.ClassHistogramOf([]int{1, 7, 1, 1, 7, 1}, 10)
	fmt.Printf("%v covered %d/10, entropy %.3f of %.3f nats\n", h.Counts, h.ClassesCovered,
		h.Entropy, h.MaxEntropy)
	// Output:
	// [0 4 0 0 0 0 0 2 0 0] covered 2/10, entropy 0.637 of 2.303 nats
}

package evaluation

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gan-notebooks/gan/data"
)

// bruteNearest is the reference: direct float64 distances to every training
// example, the first (lowest index) minimum wins.
func bruteNearest(samples, train *data.Images) ([]int, []float64) {
	idx := make([]int, samples.N)
	dist := make([]float64, samples.N)
	for i := range samples.N {
		s := samples.Image(i)
		idx[i], dist[i] = -1, math.Inf(1)
		for j := range train.N {
			var sum float64
			for k, v := range train.Image(j) {
				t := float64(s[k]) - float64(v)
				sum += t * t
			}
			if sum < dist[i] {
				idx[i], dist[i] = j, sum
			}
		}
	}
	return idx, dist
}

func randomVectors(t testing.TB, rng *rand.Rand, n, d int, levels int) *data.Images {
	pix := make([]float32, n*d)
	for i := range pix {
		if levels > 0 {
			pix[i] = float32(rng.IntN(levels)) / float32(levels-1)
		} else {
			pix[i] = rng.Float32()
		}
	}
	return mustVectors(t, n, d, pix)
}

func TestNearestNeighborsMatchBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(0, 1))
	tests := []struct {
		name               string
		numS, numT, d      int
		levels             int // 0: continuous values; else few levels, many exact ties
		blockSize, workers int
	}{
		{"continuous, d=784", 37, 1500, 784, 0, 256, 2},
		{"continuous, one block", 20, 300, 50, 0, 0, 0},
		{"3 levels, many ties", 60, 2000, 6, 3, 100, 2},
		{"binary, block 1", 15, 40, 4, 2, 1, 3},
		{"binary d=784", 10, 500, 784, 2, 64, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			samples := randomVectors(t, rng, tc.numS, tc.d, tc.levels)
			train := randomVectors(t, rng, tc.numT, tc.d, tc.levels)
			wantIdx, wantDist := bruteNearest(samples, train)
			idx, dist, err := NearestNeighbors(ctx, samples, train,
				&NeighborOptions{BlockSize: tc.blockSize, Workers: tc.workers})
			if err != nil {
				t.Fatal(err)
			}
			for i := range wantIdx {
				if idx[i] != wantIdx[i] || dist[i] != wantDist[i] {
					t.Errorf("sample %d: nearest %d at %.17g, want %d at %.17g",
						i, idx[i], dist[i], wantIdx[i], wantDist[i])
				}
			}
		})
	}
}

// TestNearestNeighborsTiesAndCopies: a sample that copies training examples
// finds the first copy at distance exactly 0.
func TestNearestNeighborsTiesAndCopies(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 3))
	train := randomVectors(t, rng, 300, 784, 0)
	copy(train.Image(250), train.Image(120)) // 120 and 250 are identical
	samples := mustVectors(t, 2, 784, append(append([]float32(nil), train.Image(250)...),
		train.Image(7)...))
	idx, dist, err := NearestNeighbors(ctx, samples, train, &NeighborOptions{BlockSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	if idx[0] != 120 || dist[0] != 0 || idx[1] != 7 || dist[1] != 0 {
		t.Errorf("got %v %v, want [120 7] [0 0]", idx, dist)
	}
}

func TestNearestNeighborsErrors(t *testing.T) {
	a := mustVectors(t, 1, 3, []float32{0, 0, 0})
	b := mustVectors(t, 1, 4, []float32{0, 0, 0, 0})
	if _, _, err := NearestNeighbors(ctx, a, b, nil); err == nil {
		t.Error("dimension mismatch: want an error")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := NearestNeighbors(cctx, a, a, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: error = %v, want context.Canceled", err)
	}
}

package evaluation

import (
	"context"
	"fmt"
	"math"
	"runtime"

	"github.com/gan-notebooks/gan/data"
	"github.com/gan-notebooks/gan/ganlib/internal/cpu"
)

// NeighborOptions configures NearestNeighbors. The zero value (or nil) is fine.
type NeighborOptions struct {
	// BlockSize is the number of training examples per block (default 1024):
	// each worker holds a float64 copy of one block and a
	// [min(samples, 1024), BlockSize] distance tile.
	BlockSize int
	// Workers is the number of goroutines working on blocks; 0 means
	// runtime.GOMAXPROCS(0).
	Workers int
}

// NearestNeighbors returns, for every sample, the index of the training
// example nearest in squared Euclidean pixel distance and that distance, as
// in Figure 2 of the paper (the rightmost column shows each sample's nearest
// training example, to show the model has not memorised the training set).
//
// samples and train have the same dimension (e.g. [S, 28, 28, 1] and
// [60000, 28, 28, 1]) and, when declared, the same value range. The search
// is exact over the whole training set: distances are screened blockwise with
// a matrix product (||s||² + ||t||² - 2 s·t, see crossNT), then every
// candidate within the expansion's rounding-error bound of the best is
// recomputed as Σₖ(sₖ-tₖ)² in float64, and ties go to the lowest index. The
// returned distances are those direct sums.
func NearestNeighbors(ctx context.Context, samples, train *data.Images,
	opts *NeighborOptions) (indices []int, sqDistances []float64, err error) {
	const fn = "evaluation.NearestNeighbors"
	if err := checkSet(fn, "samples", samples, true); err != nil {
		return nil, nil, err
	}
	if err := checkSet(fn, "train", train, false); err != nil {
		return nil, nil, err
	}
	if err := checkPair(fn, "samples", samples, "train", train); err != nil {
		return nil, nil, err
	}
	var o NeighborOptions
	if opts != nil {
		o = *opts
	}
	if o.BlockSize <= 0 {
		o.BlockSize = 1024
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	numS, numT, d := samples.N, train.N, samples.Dim()
	if numS == 0 {
		return []int{}, []float64{}, nil
	}
	cpu.ClearAVXUpperState()
	s, ssq := toFloat64(samples, 0, numS, nil, nil)

	// largest training norm, for the rounding-error margin
	var maxTsq float64
	for i := range numT {
		var sq float64
		for _, v := range train.Image(i) {
			sq += float64(v) * float64(v)
		}
		maxTsq = max(maxTsq, sq)
	}
	// Two expanded distances each off by at most errFactor·(||s||²+||t||²)
	// (gemmErrorFactor) can swap order only if they are within twice that.
	errFactor := gemmErrorFactor(d)
	margin := make([]float64, numS)
	for i := range margin {
		margin[i] = 2*errFactor*(ssq[i]+maxTsq) + math.SmallestNonzeroFloat64
	}

	// each worker screens whole training blocks and keeps its own candidates
	numBlocks := (numT + o.BlockSize - 1) / o.BlockSize
	workers := min(o.Workers, numBlocks)
	states := make([]*nnState, workers)
	bufs := make([]struct{ tb, tsq, dist []float64 }, workers)
	for w := range states {
		states[w] = newNNState(numS)
	}
	err = forEachChunk(ctx, workers, numBlocks, func(w, blk int) {
		st, buf := states[w], &bufs[w]
		cpu.ClearAVXUpperState()
		lo, hi := blk*o.BlockSize, min(numT, (blk+1)*o.BlockSize)
		nt := hi - lo
		buf.tb, buf.tsq = toFloat64(train, lo, hi, buf.tb, buf.tsq)
		const sampleChunk = 1024
		for s0 := 0; s0 < numS; s0 += sampleChunk {
			s1 := min(numS, s0+sampleChunk)
			buf.dist = resize(buf.dist, (s1-s0)*nt)
			crossNT(s1-s0, nt, d, -2, s[s0*d:s1*d], buf.tb, buf.dist)
			for i := s0; i < s1; i++ {
				row := buf.dist[(i-s0)*nt : (i-s0+1)*nt]
				for j, v := range row {
					st.offer(i, lo+j, v+ssq[i]+buf.tsq[j], margin[i])
				}
			}
		}
	}, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", fn, err)
	}

	// merge the workers' candidates, then decide among them with direct sums
	indices = make([]int, numS)
	sqDistances = make([]float64, numS)
	tRow := make([]float64, d)
	for i := range numS {
		best := math.Inf(1)
		for _, st := range states {
			best = min(best, st.best[i])
		}
		indices[i], sqDistances[i] = -1, math.Inf(1)
		for _, st := range states {
			for _, c := range st.cands[i] {
				if c.approx > best+margin[i] {
					continue
				}
				for k, v := range train.Image(c.index) {
					tRow[k] = float64(v)
				}
				dd := directSqDist(s[i*d:(i+1)*d], tRow)
				if dd < sqDistances[i] || (dd == sqDistances[i] && c.index < indices[i]) {
					indices[i], sqDistances[i] = c.index, dd
				}
			}
		}
	}
	return indices, sqDistances, nil
}

type nnCandidate struct {
	index  int
	approx float64
}

// nnState is one worker's screening state: per sample, the best expanded
// distance so far and the candidates within the margin of it.
type nnState struct {
	best  []float64
	cands [][]nnCandidate
}

func newNNState(n int) *nnState {
	st := &nnState{best: make([]float64, n), cands: make([][]nnCandidate, n)}
	for i := range st.best {
		st.best[i] = math.Inf(1)
	}
	return st
}

func (st *nnState) offer(i, index int, approx, margin float64) {
	if approx > st.best[i]+margin {
		return
	}
	if approx < st.best[i] {
		st.best[i] = approx
		// drop candidates the new best rules out, when the list grows
		if c := st.cands[i]; len(c) >= 16 {
			kept := c[:0]
			for _, x := range c {
				if x.approx <= approx+margin {
					kept = append(kept, x)
				}
			}
			st.cands[i] = kept
		}
	}
	st.cands[i] = append(st.cands[i], nnCandidate{index, approx})
}

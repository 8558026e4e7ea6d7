package ganlib

import (
	mathrand "math/rand/v2"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
)

// batcher deals the training set in shuffled order, one epoch (pass) at a
// time; a last partial batch is dropped so every batch has the same shape.
// Its state (epoch, position, and the PCG state before the current epoch's
// shuffle) is saved with each checkpoint, so a resumed run sees the same
// batches.
type batcher struct {
	n, batch int
	pcg      *mathrand.PCG
	perm     []int32
	pos      int
	epoch    int64 // completed passes
	// epochRNG is the PCG state before the current permutation was drawn.
	epochRNG []byte
}

// batcherState is the serialisable state of a batcher.
type batcherState struct {
	N, Batch int
	Epoch    int64
	Pos      int
	EpochRNG []byte
}

const batcherSeedStream = 0x9e3779b97f4a7c15

func newBatcher(n, batch int, seed uint64) *batcher {
	b := &batcher{n: n, batch: batch, pcg: mathrand.NewPCG(seed, batcherSeedStream)}
	b.shuffle()
	return b
}

// shuffle draws the permutation for the current epoch.
func (b *batcher) shuffle() {
	b.epochRNG, _ = b.pcg.MarshalBinary()
	if b.perm == nil {
		b.perm = make([]int32, b.n)
	}
	for i := range b.perm {
		b.perm[i] = int32(i)
	}
	rng := mathrand.New(b.pcg)
	rng.Shuffle(b.n, func(i, j int) { b.perm[i], b.perm[j] = b.perm[j], b.perm[i] })
	b.pos = 0
}

// next returns the indices of the next batch (a fresh slice).
func (b *batcher) next() []int32 {
	if b.pos+b.batch > b.n {
		b.epoch++
		b.shuffle()
	}
	idx := make([]int32, b.batch)
	copy(idx, b.perm[b.pos:b.pos+b.batch])
	b.pos += b.batch
	return idx
}

func (b *batcher) state() batcherState {
	return batcherState{N: b.n, Batch: b.batch, Epoch: b.epoch, Pos: b.pos, EpochRNG: b.epochRNG}
}

// restore sets the state back, redrawing the current permutation.
func (b *batcher) restore(s batcherState) error {
	if s.N != b.n || s.Batch != b.batch {
		return errorsf("data order: checkpoint was for %d examples in batches of %d, now %d in batches of %d",
			s.N, s.Batch, b.n, b.batch)
	}
	if err := b.pcg.UnmarshalBinary(s.EpochRNG); err != nil {
		return errorsf("data order: bad RNG state in checkpoint: %v", err)
	}
	b.shuffle()
	b.epoch, b.pos = s.Epoch, s.Pos
	return nil
}

func shapesInt32(dims ...int) shapes.Shape { return shapes.Make(dtypes.Int32, dims...) }

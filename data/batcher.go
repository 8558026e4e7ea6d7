package data

import (
	"fmt"
	"math/rand/v2"
)

// Remainder is what a Batcher does with the last examples of an epoch when
// the number of examples N is not a multiple of the batch size.
type Remainder int

const (
	// DropRemainder (the default) skips the last N mod batchSize examples
	// of each epoch's permutation: every batch is full and holds distinct
	// examples; an epoch has floor(N/batchSize) batches. Because each epoch
	// is shuffled anew, different examples are dropped each epoch. It
	// requires N >= batchSize.
	DropRemainder Remainder = iota
	// Wrap treats the data as an endless stream of epochs: a batch that
	// runs past the end of an epoch continues with the start of the next
	// epoch's permutation. Works for any N >= 1, including N < batchSize.
	Wrap
	// Pad completes the last, short batch of an epoch with the first
	// examples of the same epoch's permutation (repeated cyclically when
	// N < batchSize), so every batch is full, every example appears in
	// each epoch, and an epoch has ceil(N/batchSize) batches. Indices shows
	// the repeats.
	Pad
)

func (r Remainder) String() string {
	switch r {
	case DropRemainder:
		return "drop"
	case Wrap:
		return "wrap"
	case Pad:
		return "pad"
	}
	return fmt.Sprintf("Remainder(%d)", int(r))
}

// BatcherOptions configures NewBatcher; the zero value shuffles each epoch
// and drops the remainder.
type BatcherOptions struct {
	Remainder Remainder
	// NoShuffle keeps the data order (epoch after epoch) instead of a
	// fresh seeded permutation per epoch.
	NoShuffle bool
}

// Batcher cuts an Images set into minibatches: the "sample minibatch of m
// examples from the data generating distribution" step of the paper's
// Algorithm 1. Each epoch visits a permutation of the examples drawn from
// a PCG generator seeded with (seed, epoch), so a run is reproducible from
// its seed and can be resumed exactly from a saved BatcherState.
// A Batcher is not safe for concurrent use.
type Batcher struct {
	src       *Images
	batchSize int
	opts      BatcherOptions
	seed      uint64
	epoch     int
	pos       int // next position in perm
	perm      []int
	steps     int64
	last      []int
}

// NewBatcher returns a Batcher over src (which it reads, never modifies)
// with the given batch size and shuffle seed.
func NewBatcher(src *Images, batchSize int, seed uint64, opts BatcherOptions) (*Batcher, error) {
	if err := src.Validate(); err != nil {
		return nil, err
	}
	switch {
	case batchSize <= 0:
		return nil, fmt.Errorf("data.NewBatcher: batch size %d, want > 0", batchSize)
	case src.N == 0:
		return nil, fmt.Errorf("data.NewBatcher: no examples (N=0)")
	case opts.Remainder < DropRemainder || opts.Remainder > Pad:
		return nil, fmt.Errorf("data.NewBatcher: unknown remainder policy "+
			"%d (want DropRemainder, Wrap or Pad)", int(opts.Remainder))
	case opts.Remainder == DropRemainder && src.N < batchSize:
		return nil, fmt.Errorf("data.NewBatcher: N=%d examples is less than the batch size "+
			"%d, so DropRemainder would yield no batch; use Wrap or Pad",
			src.N, batchSize)
	}
	b := &Batcher{src: src, batchSize: batchSize, opts: opts, seed: seed}
	b.setEpoch(0)
	return b, nil
}

// permutation returns the order of epoch e.
func (b *Batcher) permutation(e int) []int {
	n := b.src.N
	if b.opts.NoShuffle {
		p := make([]int, n)
		for i := range p {
			p[i] = i
		}
		return p
	}
	return rand.New(rand.NewPCG(b.seed, uint64(e))).Perm(n)
}

func (b *Batcher) setEpoch(e int) {
	b.epoch, b.pos, b.perm = e, 0, b.permutation(e)
}

// BatchSize returns the batch size.
func (b *Batcher) BatchSize() int { return b.batchSize }

// Epoch returns the 0-based epoch the latest batch ended in (0 before the
// first batch).
func (b *Batcher) Epoch() int { return b.epoch }

// Steps returns the number of batches produced so far.
func (b *Batcher) Steps() int64 { return b.steps }

// BatchesPerEpoch returns the number of batches per epoch: floor(N/B) for
// DropRemainder, ceil(N/B) for Pad, N/B (possibly fractional, rounded
// down) for Wrap.
func (b *Batcher) BatchesPerEpoch() int {
	n, bs := b.src.N, b.batchSize
	if b.opts.Remainder == Pad {
		return (n + bs - 1) / bs
	}
	return n / bs
}

// indices advances the state and returns the source indices of the next
// batch.
func (b *Batcher) indices() []int {
	n, bs := b.src.N, b.batchSize
	idx := make([]int, 0, bs)
	switch b.opts.Remainder {
	case DropRemainder:
		if b.pos+bs > n {
			b.setEpoch(b.epoch + 1)
		}
		idx = append(idx, b.perm[b.pos:b.pos+bs]...)
		b.pos += bs
	case Wrap:
		for len(idx) < bs {
			if b.pos == n {
				b.setEpoch(b.epoch + 1)
			}
			k := min(bs-len(idx), n-b.pos)
			idx = append(idx, b.perm[b.pos:b.pos+k]...)
			b.pos += k
		}
	case Pad:
		if b.pos == n {
			b.setEpoch(b.epoch + 1)
		}
		k := min(bs, n-b.pos)
		idx = append(idx, b.perm[b.pos:b.pos+k]...)
		b.pos += k
		for i := 0; len(idx) < bs; i++ {
			idx = append(idx, b.perm[i%n])
		}
	}
	b.steps++
	b.last = idx
	return idx
}

// Next returns the next batch as new Images [batchSize, H, W, C] with the
// source's Range (and Labels, when the source has them).
func (b *Batcher) Next() *Images {
	dst := &Images{}
	b.NextInto(dst)
	return dst
}

// NextInto writes the next batch into dst, reusing its buffers when large
// enough.
func (b *Batcher) NextInto(dst *Images) {
	idx := b.indices()
	src := b.src
	d := src.Dim()
	dst.N, dst.H, dst.W, dst.C, dst.Range = len(idx), src.H, src.W, src.C, src.Range
	if cap(dst.Pix) < len(idx)*d {
		dst.Pix = make([]float32, len(idx)*d)
	}
	dst.Pix = dst.Pix[:len(idx)*d]
	for i, j := range idx {
		copy(dst.Pix[i*d:(i+1)*d], src.Pix[j*d:(j+1)*d])
	}
	if src.Labels == nil {
		dst.Labels = nil
		return
	}
	if cap(dst.Labels) < len(idx) {
		dst.Labels = make([]int, len(idx))
	}
	dst.Labels = dst.Labels[:len(idx)]
	for i, j := range idx {
		dst.Labels[i] = src.Labels[j]
	}
}

// Indices returns the source indices of the latest batch (a copy).
func (b *Batcher) Indices() []int { return append([]int(nil), b.last...) }

// BatcherState is everything needed to resume a Batcher exactly: the
// permutation of an epoch is rebuilt from (Seed, Epoch). It marshals to
// JSON; N, BatchSize, Remainder and Shuffle are stored to refuse a restore
// onto a different set-up.
type BatcherState struct {
	Seed      uint64 `json:"seed"`
	Epoch     int    `json:"epoch"`
	Position  int    `json:"position"` // next index into the epoch's permutation
	Steps     int64  `json:"steps"`
	N         int    `json:"n"`
	BatchSize int    `json:"batch_size"`
	Remainder string `json:"remainder"`
	Shuffle   bool   `json:"shuffle"`
}

// State returns the current state.
func (b *Batcher) State() BatcherState {
	return BatcherState{Seed: b.seed, Epoch: b.epoch, Position: b.pos, Steps: b.steps,
		N: b.src.N, BatchSize: b.batchSize, Remainder: b.opts.Remainder.String(), Shuffle: !b.opts.NoShuffle}
}

// Restore sets the state saved by State; the following batches are then
// identical to those the saved Batcher would have produced. The data size,
// batch size, remainder policy and shuffling must match.
func (b *Batcher) Restore(s BatcherState) error {
	switch {
	case s.N != b.src.N || s.BatchSize != b.batchSize:
		return fmt.Errorf("data.Batcher.Restore: state is for N=%d, batch size %d; this batcher has N=%d, batch size %d",
			s.N, s.BatchSize, b.src.N, b.batchSize)
	case s.Remainder != b.opts.Remainder.String() || s.Shuffle == b.opts.NoShuffle:
		return fmt.Errorf("data.Batcher.Restore: state has remainder=%q shuffle=%v; this batcher has remainder=%q shuffle=%v",
			s.Remainder, s.Shuffle, b.opts.Remainder, !b.opts.NoShuffle)
	case s.Epoch < 0 || s.Position < 0 || s.Position > s.N:
		return fmt.Errorf("data.Batcher.Restore: bad state epoch=%d position=%d (N=%d)", s.Epoch, s.Position, s.N)
	}
	b.seed = s.Seed
	b.setEpoch(s.Epoch)
	b.pos, b.steps, b.last = s.Position, s.Steps, nil
	return nil
}

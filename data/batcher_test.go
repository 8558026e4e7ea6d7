package data

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// indexImages returns N 1x1x1 images whose value is their index, labelled
// with 100+index.
func indexImages(n int) *Images {
	im := &Images{N: n, H: 1, W: 1, C: 1, Pix: make([]float32, n), Labels: make([]int, n),
		Range: ValueRange{0, float32(n)}}
	for i := range n {
		im.Pix[i], im.Labels[i] = float32(i), 100+i
	}
	return im
}

func batchIndices(b *Batcher, k int) [][]int {
	var out [][]int
	for range k {
		im := b.Next()
		idx := make([]int, im.N)
		for i, v := range im.Pix {
			idx[i] = int(v)
			if im.Labels[i] != 100+idx[i] {
				panic("labels not moved with pixels")
			}
		}
		if !slices.Equal(idx, b.Indices()) {
			panic("Indices disagrees with the batch")
		}
		out = append(out, idx)
	}
	return out
}

func TestBatcherPolicies(t *testing.T) {
	cases := []struct {
		name      string
		n, bs     int
		policy    Remainder
		perEpoch  int // batches per epoch (hand-derived)
		epochSeen []int
	}{
		{"drop 10/3", 10, 3, DropRemainder, 3, nil},
		{"pad 10/3", 10, 3, Pad, 4, nil},
		{"wrap 10/3", 10, 3, Wrap, 3, nil},
		{"pad 2/5", 2, 5, Pad, 1, nil},
		{"wrap 2/5", 2, 5, Wrap, 0, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := NewBatcher(indexImages(c.n), c.bs, 42, BatcherOptions{Remainder: c.policy})
			if err != nil {
				t.Fatal(err)
			}
			if b.BatchesPerEpoch() != c.perEpoch {
				t.Errorf("BatchesPerEpoch %d, want %d", b.BatchesPerEpoch(), c.perEpoch)
			}
			batches := batchIndices(b, 12)
			for _, bt := range batches {
				if len(bt) != c.bs {
					t.Fatalf("batch of %d, want %d", len(bt), c.bs)
				}
			}
			switch c.policy {
			case DropRemainder:
				// Each epoch: 3 batches of distinct examples (9 of 10).
				for e := 0; e < 4; e++ {
					seen := map[int]bool{}
					for _, bt := range batches[3*e : 3*e+3] {
						for _, i := range bt {
							if seen[i] {
								t.Fatalf("epoch %d repeats %d", e, i)
							}
							seen[i] = true
						}
					}
				}
				if b.Epoch() != 3 {
					t.Errorf("after 12 batches epoch %d, want 3", b.Epoch())
				}
			case Pad:
				// Each epoch covers every example; extras repeat the epoch's first.
				per := c.perEpoch
				for e := 0; e < 12/per; e++ {
					var all []int
					for _, bt := range batches[per*e : per*e+per] {
						all = append(all, bt...)
					}
					for i := range c.n {
						if !slices.Contains(all, i) {
							t.Fatalf("epoch %d misses %d", e, i)
						}
					}
					if all[len(all)-1] != all[(len(all)-1)%c.n] {
						t.Errorf("epoch %d: padding %v does not repeat the epoch's start", e, all)
					}
				}
			case Wrap:
				// The stream is the concatenation of whole permutations.
				var all []int
				for _, bt := range batches {
					all = append(all, bt...)
				}
				for s := 0; s+c.n <= len(all); s += c.n {
					p := slices.Clone(all[s : s+c.n])
					slices.Sort(p)
					for i := range p {
						if p[i] != i {
							t.Fatalf("stream %v: epoch at %d is not a permutation", all, s)
						}
					}
				}
			}
		})
	}
	// Epochs are shuffled differently, and the same seed repeats exactly.
	b1, _ := NewBatcher(indexImages(100), 100, 1, BatcherOptions{})
	b2, _ := NewBatcher(indexImages(100), 100, 1, BatcherOptions{})
	e0, e1 := batchIndices(b1, 2), batchIndices(b2, 2)
	if !slices.Equal(e0[0], e1[0]) || !slices.Equal(e0[1], e1[1]) || slices.Equal(e0[0], e0[1]) {
		t.Error("same seed gave different batches, or two epochs share a permutation")
	}
	// NoShuffle keeps the order.
	b3, _ := NewBatcher(indexImages(5), 2, 1, BatcherOptions{NoShuffle: true, Remainder: Wrap})
	if got := batchIndices(b3, 3); fmt.Sprint(got) != "[[0 1] [2 3] [4 0]]" {
		t.Errorf("NoShuffle wrap: %v", got)
	}
}

func TestBatcherErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		n    int
		bs   int
		opts BatcherOptions
		want string
	}{
		{"N < batch with drop", 3, 5, BatcherOptions{}, "use Wrap or Pad"},
		{"zero batch", 3, 0, BatcherOptions{}, "batch size 0"},
		{"empty", 0, 1, BatcherOptions{Remainder: Wrap}, "no examples"},
		{"bad policy", 3, 1, BatcherOptions{Remainder: 7}, "unknown remainder policy"},
	} {
		if _, err := NewBatcher(indexImages(c.n), c.bs, 0, c.opts); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}

// A run resumed from a saved state (through JSON) sees exactly the same
// batches as the uninterrupted run, also across epoch boundaries.
func TestBatcherRestoreMidEpoch(t *testing.T) {
	for _, policy := range []Remainder{DropRemainder, Wrap, Pad} {
		t.Run(policy.String(), func(t *testing.T) {
			data := indexImages(23)
			ref, _ := NewBatcher(data, 5, 99, BatcherOptions{Remainder: policy})
			want := batchIndices(ref, 20)

			run, _ := NewBatcher(data, 5, 99, BatcherOptions{Remainder: policy})
			batchIndices(run, 7) // mid-epoch (epoch 1)
			js, err := json.Marshal(run.State())
			if err != nil {
				t.Fatal(err)
			}
			var st BatcherState
			if err := json.Unmarshal(js, &st); err != nil {
				t.Fatal(err)
			}
			resumed, _ := NewBatcher(data, 5, 12345, BatcherOptions{Remainder: policy}) // seed comes from the state
			if err := resumed.Restore(st); err != nil {
				t.Fatal(err)
			}
			got := batchIndices(resumed, 13)
			for i := range got {
				if !slices.Equal(got[i], want[7+i]) {
					t.Fatalf("batch %d after resume %v, uninterrupted %v (state %s)", 7+i, got[i], want[7+i], js)
				}
			}
			if resumed.Steps() != 20 || resumed.Epoch() != ref.Epoch() {
				t.Errorf("steps %d epoch %d, want 20, %d", resumed.Steps(), resumed.Epoch(), ref.Epoch())
			}
			// A state for another set-up is refused.
			other, _ := NewBatcher(indexImages(24), 5, 99, BatcherOptions{Remainder: policy})
			if err := other.Restore(st); err == nil {
				t.Error("restore onto N=24 accepted")
			}
		})
	}
}

func ExampleBatcher() {
	// 5 examples, batches of 2: DropRemainder (default) gives 2 batches per
	// epoch and skips one example (with shuffling, a different one each
	// epoch).
	im := &Images{N: 5, H: 1, W: 1, C: 1, Pix: []float32{0, 1, 2, 3, 4}}
	b, _ := NewBatcher(im, 2, 7, BatcherOptions{NoShuffle: true})
	for range 3 {
		batch := b.Next()
		fmt.Println(b.Epoch(), batch.Pix)
	}
	// Output:
	// 0 [0 1]
	// 0 [2 3]
	// 1 [0 1]
}

package evaluation

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
)

func TestForEachChunk(t *testing.T) {
	tests := []struct {
		name               string
		workers, numChunks int
	}{
		{"one worker", 1, 7},
		{"more chunks than workers", 3, 10},
		{"as many workers as chunks", 4, 4},
		{"no chunks", 2, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			runs := make([]atomic.Int32, tc.numChunks)
			var badWorker atomic.Bool
			var dones []int
			err := forEachChunk(context.Background(), tc.workers, tc.numChunks, func(w, c int) {
				if w < 0 || w >= tc.workers {
					badWorker.Store(true)
				}
				runs[c].Add(1)
			}, func(done int) { dones = append(dones, done) })
			if err != nil {
				t.Fatal(err)
			}
			if badWorker.Load() {
				t.Errorf("a worker index was outside [0, %d)", tc.workers)
			}
			for c := range runs {
				if n := runs[c].Load(); n != 1 {
					t.Errorf("chunk %d ran %d times, want 1", c, n)
				}
			}
			// done is called once per chunk with 1, 2, ..., numChunks
			if len(dones) != tc.numChunks {
				t.Fatalf("done called %d times, want %d", len(dones), tc.numChunks)
			}
			for i, d := range dones {
				if d != i+1 {
					t.Fatalf("done calls %v, want 1..%d in order", dones, tc.numChunks)
				}
			}
		})
	}
}

func TestForEachChunkCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var ran atomic.Int32
	err := forEachChunk(ctx, 1, 100, func(_, c int) {
		ran.Add(1)
		if c == 2 {
			cancel()
		}
	}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	// one worker: chunks 0, 1, 2 run, the cancellation stops chunk 3
	if n := ran.Load(); n != 3 {
		t.Errorf("%d chunks ran, want 3", n)
	}
}

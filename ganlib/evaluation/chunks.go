package evaluation

import (
	"context"
	"sync"
)

// forEachChunk runs work(w, c) for every chunk c in [0, numChunks) on
// workers goroutines (w in [0, workers) names the goroutine, so work can
// keep per-worker buffers in a slice). Chunks are handed out in order from
// a shared counter. After each chunk, done (when not nil) is called with the
// number of chunks finished so far, one call at a time. Once ctx is
// cancelled no further chunk starts and ctx's error is returned.
func forEachChunk(ctx context.Context, workers, numChunks int, work func(w, c int),
	done func(chunksDone int)) error {
	var (
		mu       sync.Mutex
		next     int
		finished int
		firstErr error
		wg       sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			for {
				mu.Lock()
				if firstErr != nil || next >= numChunks {
					mu.Unlock()
					return
				}
				c := next
				next++
				mu.Unlock()
				if err := ctx.Err(); err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				work(w, c)
				if done != nil {
					mu.Lock()
					finished++
					done(finished)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return firstErr
}

package mnistclf

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/gan-notebooks/gan/data"
	"github.com/gomlx/gomlx/core/tensors"
)

// tinyOptions trains on train[0:2000] for one epoch (about a second): for
// reproducibility and cache tests, not for accuracy.
func tinyOptions() Options { return Options{Epochs: 1, TrainExamples: 2000} }

var (
	testRoot string // shared cache root of this test process

	mnistOnce  sync.Once
	mnistSplit *data.Split
	mnistErr   error

	fullOnce sync.Once
	fullClf  *Classifier
	fullErr  error
)

func TestMain(m *testing.M) {
	var err error
	if testRoot, err = os.MkdirTemp("", "mnistclf-test-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(testRoot)
	os.Exit(code)
}

// loadMNIST returns the paper's MNIST split, skipping the test when the
// files are not installed.
func loadMNIST(t testing.TB) *data.Split {
	t.Helper()
	mnistOnce.Do(func() { mnistSplit, mnistErr = data.LoadMNIST(data.MNISTOptions{}) })
	if mnistErr != nil {
		t.Skipf("MNIST not available: %v", mnistErr)
	}
	return mnistSplit
}

// fullClassifier trains the default classifier once per test process (into
// testRoot; about 20 s on the pure-Go backend), skipping under -short.
func fullClassifier(t testing.TB) *Classifier {
	t.Helper()
	if testing.Short() {
		t.Skip("trains the full classifier; skipped under -short")
	}
	loadMNIST(t)
	fullOnce.Do(func() {
		fullClf, fullErr = Load(context.Background(), Options{CacheDir: testRoot})
	})
	if fullErr != nil {
		t.Fatalf("Load: %+v", fullErr)
	}
	return fullClf
}

// weights returns every variable of the classifier's store, by path.
func weights(t *testing.T, c *Classifier) map[string][]float32 {
	t.Helper()
	out := map[string][]float32{}
	for v := range c.store.IterVariables() {
		if !isWeight(v.Path()) {
			continue
		}
		flat, err := tensors.CopyFlatData[float32](v.MustValue())
		if err != nil {
			t.Fatalf("%s: %v", v.Path(), err)
		}
		out[v.Path()] = flat
	}
	if len(out) != 6 { // 3 layers × (weights, biases)
		t.Fatalf("classifier has %d weight variables, want 6: %v", len(out), keys(out))
	}
	return out
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// repeatImage returns n copies of image i of im, with its label.
func repeatImage(im *data.Images, i, n int) *data.Images {
	idx := make([]int, n)
	for j := range idx {
		idx[j] = i
	}
	out, err := data.Gather(im, idx)
	if err != nil {
		panic(err)
	}
	return out
}

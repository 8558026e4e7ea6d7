package ganlib

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// torchAnchor locates ../shared/anchors/torch_gan_bench.py (the PyTorch
// version of the paper's MNIST GAN; $TORCH_GAN_ANCHOR overrides it) and a
// python3 that imports torch.
func torchAnchor(b *testing.B) (python, script string, ok bool) {
	script = os.Getenv("TORCH_GAN_ANCHOR")
	if script == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", "", false
		}
		// ganlib/ is one level below the repository root; shared/ is beside it.
		script = filepath.Join(wd, "..", "..", "shared", "anchors", "torch_gan_bench.py")
	}
	if _, err := os.Stat(script); err != nil {
		b.Logf("PyTorch anchor: %v", err)
		return "", "", false
	}
	for _, candidate := range []string{"/usr/bin/python3", "python3"} {
		path, err := exec.LookPath(candidate)
		if err == nil && exec.Command(path, "-c", "import torch").Run() == nil {
			return path, script, true
		}
	}
	b.Log("PyTorch anchor: no python3 with torch (apt-get install -y python3-torch)")
	return "", "", false
}

// BenchmarkTrainStepVsTorch times one Algorithm 1 iteration (k = 1, batch 100,
// the paper's MNIST MLPs: preset mnist-alg1) here and in the PyTorch anchor on
// the same machine, one after the other, and reports both rates and their
// ratio. Run with -benchtime=50x (the anchor times 3 runs of 50 iterations,
// median) and nothing else running.
func BenchmarkTrainStepVsTorch(b *testing.B) {
	python, script, ok := torchAnchor(b)
	if !ok {
		b.Skip("PyTorch anchor not available")
	}
	cfg := MustPreset("mnist-alg1")
	cfg.Seed = 1
	tr, err := NewTrainer(MustBackend(), cfg, randomMNISTShaped(1000))
	if err != nil {
		b.Fatal(err)
	}
	for range 3 { // compile and warm up, as the anchor does
		if _, err := tr.Step(); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		if _, err := tr.Step(); err != nil {
			b.Fatal(err)
		}
	}
	goRate := float64(b.N) / time.Since(start).Seconds()
	b.StopTimer()

	out, err := exec.Command(python, script, "--mode", "gan", "--json", "--threads", "2",
		"--iters", strconv.Itoa(max(b.N, 10)), "--runs", "3").Output()
	if err != nil {
		b.Fatalf("PyTorch anchor: %v", err)
	}
	var res struct {
		Torch string `json:"torch"`
		GAN   struct {
			ItersPerSec struct{ Median float64 } `json:"iters_per_sec"`
		} `json:"gan"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		b.Fatalf("PyTorch anchor output: %v\n%s", err, out)
	}
	torchRate := res.GAN.ItersPerSec.Median
	b.ReportMetric(goRate, "go-it/s")
	b.ReportMetric(torchRate, "torch-it/s")
	b.ReportMetric(goRate/torchRate, "go/torch")
	_, choice, _ := Backend()
	b.Logf("backend %s: %.2f it/s; PyTorch %s (2 threads): %.2f it/s (median of 3 runs); Go/PyTorch = %.2f",
		choice.Config, goRate, res.Torch, torchRate, goRate/torchRate)
}

package ganlib

import (
	"math"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

func TestScheduledLearningRate(t *testing.T) {
	cfg := releasedSGD(0.1)
	for _, c := range []struct {
		name    string
		updates int64
		want    float64
		tol     float64 // relative
	}{
		{"no update yet", 0, 0.1, 0},
		{"after 5 updates (cases.md GAN-20)", 5, 0.0999980000240, 1e-9},
		{"after 10 updates (cases.md GAN-20)", 10, 0.0999960000880, 1e-9},
		// 0.1/1.000004^n reaches 1e-6 at n = ln(1e5)/ln(1.000004) ≈ 2.878e6
		// (hand derivation): past it, the floor MinLR = 1e-6 (mnist.yaml)
		{"floored", 3_000_000, 1e-6, 0},
	} {
		got := ScheduledLearningRate(cfg, c.updates)
		if math.Abs(got-c.want) > c.tol*c.want {
			t.Errorf("%s: %.13g, want %.13g", c.name, got, c.want)
		}
	}
	if got := ScheduledLearningRate(OptimizerConfig{LearningRate: 0.3}, 1000); got != 0.3 {
		t.Errorf("LRDecay 0 should be constant, got %g", got)
	}
}

func TestScheduledMomentum(t *testing.T) {
	cfg := releasedSGD(0.1) // MomentumAdjustor(start 1, saturate 250, final .7), init .5
	for _, c := range []struct {
		name  string
		epoch int64
		want  float64
	}{
		{"before start", 0, 0.5},
		{"first epoch", 1, 0.5},
		// .5 + (125-1)/(250-1)·(.7-.5), hand derivation of pylearn2's ramp
		{"epoch 125", 125, 0.5 + 124.0/249.0*0.2},
		{"saturated", 250, 0.7},
		{"after", 1000, 0.7},
	} {
		if got := ScheduledMomentum(cfg, c.epoch); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: %.15g, want %.15g", c.name, got, c.want)
		}
	}
}

// Two momentum-SGD steps on loss = ½|w|², w0 = (1, 2), lr .1, μ .5 (hand
// derivation, pylearn2's rule v ← μv − lr·g, w ← w + v):
// step 1: g = (1, 2), v = (−.1, −.2), w = (.9, 1.8);
// step 2: g = (.9, 1.8), v = .5·(−.1, −.2) − .1·(.9, 1.8) = (−.14, −.28),
// w = (.76, 1.52).
func TestMomentumSGDByHand(t *testing.T) {
	opt, err := NewOptimizer(OptimizerConfig{Name: OptimizerMomentum, LearningRate: 0.1,
		InitMomentum: 0.5, FinalMomentum: 0.5, MomentumStart: 1, MomentumSaturate: 1})
	if err != nil {
		t.Fatal(err)
	}
	store := model.NewStore()
	exec := model.MustNewExec(MustBackend(), store, func(root *model.Scope, g *graph.Graph) *graph.Node {
		scope := root.At("p")
		w := scope.VariableWithValue("w", []float32{1, 2})
		loss := graph.MulScalar(graph.ReduceAllSum(graph.Square(w.NodeValue(g))), 0.5)
		opt.UpdateGraph(scope, g, loss)
		return loss
	})
	for _, want := range [][]float32{{0.9, 1.8}, {0.76, 1.52}} {
		exec.MustCall()
		got := tensors.MustCopyFlatData[float32](store.GetVariable("/p/w").MustValue())
		for i := range want {
			if math.Abs(float64(got[i]-want[i])) > 1e-6 { // float32
				t.Fatalf("w = %v, want %v", got, want)
			}
		}
	}
	vel := tensors.MustCopyFlatData[float32](store.GetVariable("/momentum/p/w").MustValue())
	if math.Abs(float64(vel[0]+0.14)) > 1e-6 || math.Abs(float64(vel[1]+0.28)) > 1e-6 {
		t.Errorf("velocity %v, want [-0.14 -0.28]", vel)
	}
}

func TestNewOptimizerErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  OptimizerConfig
		want string
	}{
		{"unknown", OptimizerConfig{Name: "rmsprop", LearningRate: 1}, `unknown OptimizerConfig.Name "rmsprop"`},
		{"lr", OptimizerConfig{Name: OptimizerAdam}, "LearningRate"},
		{"decay", OptimizerConfig{Name: OptimizerAdam, LearningRate: 1, LRDecay: 0.5}, "LRDecay"},
		{"momentum", OptimizerConfig{Name: OptimizerMomentum, LearningRate: 1, InitMomentum: 1}, "momentum"},
	} {
		if _, err := NewOptimizer(c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}

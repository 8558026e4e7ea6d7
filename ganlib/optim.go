package ganlib

// This file holds the two players' optimizers: classical momentum SGD with the
// released code's schedules (GoMLX v0.28.1 has no momentum SGD), and GoMLX's
// Adam with the same per-player learning-rate decay. Each player gets its own
// optimizer object, its own state variables and its own update counter:
// GoMLX's optimizers share the Store's global step, which Algorithm 1 (k D
// updates per G update) would corrupt, so nothing here reads it.

import (
	"math"
	"path"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/pkg/errors"
)

// Optimizer names accepted in OptimizerConfig.Name.
const (
	OptimizerMomentum = "sgd-momentum"
	OptimizerAdam     = "adam"
)

// Variable names used by the optimizers. The update counter and the current
// learning rate live under "<player scope>/optimizer/"; momentum velocities
// under "/momentum/<player scope>/...", one per trainable variable.
const (
	// UpdatesVariableName counts a player's optimizer updates (int64).
	UpdatesVariableName = "updates"
	// LearningRateVariableName (GoMLX's optimizer.ParamLearningRate) holds the
	// learning rate the last update used (float32, for inspection; the
	// schedule is recomputed from the counter).
	LearningRateVariableName = "learning_rate"
	// EpochVariablePath is the number of completed passes over the training
	// data (int64), set by the Trainer and read by the momentum schedule.
	EpochVariablePath  = "/train/epoch"
	optimizerScopeName = optimizer.Scope // "optimizers", as GoMLX's optimizers use
	velocityScopeRoot  = "/momentum"
	adamScopeName      = "adam"
)

// PlayerOptimizer is the optimizer of one player (G or D). It implements
// GoMLX's optimizer.Interface, so it can also drive a train.Trainer.
type PlayerOptimizer interface {
	optimizer.Interface
	// UpdateGraphWithGradients applies grads (one per trainable variable of
	// scope that the graph uses, in scope.IterVariables order, as
	// model.Scope.BuildTrainableVariablesGradientsGraph returns them) and
	// returns the learning rate and momentum this update used, as float64
	// scalars, for reporting. Adam reports its beta1 as "momentum".
	UpdateGraphWithGradients(scope *model.Scope, grads []*graph.Node, lossDType dtypes.DType) (lr, momentum *graph.Node)
	// Name returns OptimizerMomentum or OptimizerAdam.
	Name() string
}

// NewOptimizer returns the optimizer cfg describes. Unknown names and invalid
// settings give an error naming the field.
func NewOptimizer(cfg OptimizerConfig) (PlayerOptimizer, error) {
	if cfg.LearningRate <= 0 || math.IsNaN(cfg.LearningRate) || math.IsInf(cfg.LearningRate, 0) {
		return nil, errors.Errorf("ganlib: OptimizerConfig.LearningRate must be a finite value > 0, got %g",
			cfg.LearningRate)
	}
	if cfg.LRDecay != 0 && cfg.LRDecay < 1 {
		return nil, errors.Errorf("ganlib: OptimizerConfig.LRDecay must be 0 (off) or >= 1, got %g", cfg.LRDecay)
	}
	if cfg.MinLR < 0 {
		return nil, errors.Errorf("ganlib: OptimizerConfig.MinLR must be >= 0, got %g", cfg.MinLR)
	}
	switch cfg.Name {
	case OptimizerMomentum:
		if cfg.InitMomentum < 0 || cfg.InitMomentum >= 1 || cfg.FinalMomentum < 0 || cfg.FinalMomentum >= 1 {
			return nil, errors.Errorf("ganlib: momentum must be in [0, 1), got InitMomentum=%g FinalMomentum=%g",
				cfg.InitMomentum, cfg.FinalMomentum)
		}
		if cfg.MomentumSaturate < cfg.MomentumStart {
			return nil, errors.Errorf("ganlib: OptimizerConfig.MomentumSaturate (%d) < MomentumStart (%d)",
				cfg.MomentumSaturate, cfg.MomentumStart)
		}
		return &momentumSGD{cfg: cfg}, nil
	case OptimizerAdam:
		return &playerAdam{cfg: cfg}, nil
	default:
		return nil, errors.Errorf("ganlib: unknown OptimizerConfig.Name %q; valid: %q, %q",
			cfg.Name, OptimizerMomentum, OptimizerAdam)
	}
}

// ScheduledLearningRate is the learning rate after `updates` updates under
// the released code's decay (pylearn2 ExponentialDecay, mnist.yaml
// update_callbacks): lr / LRDecay^updates, floored at MinLR. Update n
// (1-based) uses ScheduledLearningRate(cfg, n-1). LRDecay 0 or 1 means
// constant. E.g. lr 0.1, decay 1.000004: 0.0999980000240 after 5 updates.
func ScheduledLearningRate(cfg OptimizerConfig, updates int64) float64 {
	if cfg.LRDecay == 0 || cfg.LRDecay == 1 {
		return cfg.LearningRate
	}
	return max(cfg.LearningRate/math.Pow(cfg.LRDecay, float64(updates)), cfg.MinLR)
}

// ScheduledMomentum is the momentum used while training epoch `epoch`
// (1-based: the first pass over the data is epoch 1), following pylearn2's
// MomentumAdjustor (mnist.yaml: start 1, saturate 250, final .7, init .5):
// InitMomentum until MomentumStart, then linear to FinalMomentum at
// MomentumSaturate, constant after.
func ScheduledMomentum(cfg OptimizerConfig, epoch int64) float64 {
	w := float64(cfg.MomentumSaturate - cfg.MomentumStart)
	if w <= 0 {
		if epoch >= int64(cfg.MomentumStart) {
			return cfg.FinalMomentum
		}
		return cfg.InitMomentum
	}
	alpha := min(max(float64(epoch-int64(cfg.MomentumStart))/w, 0), 1)
	return cfg.InitMomentum*(1-alpha) + alpha*cfg.FinalMomentum
}

// scheduledLRGraph builds ScheduledLearningRate(cfg, updates) in float64.
func scheduledLRGraph(cfg OptimizerConfig, updates *graph.Node) *graph.Node {
	g := updates.Graph()
	base := graph.Scalar(g, dtypes.Float64, cfg.LearningRate)
	if cfg.LRDecay == 0 || cfg.LRDecay == 1 {
		return base
	}
	n := graph.ConvertDType(updates, dtypes.Float64)
	lr := graph.Div(base, graph.Pow(graph.Scalar(g, dtypes.Float64, cfg.LRDecay), n))
	return graph.Max(lr, graph.Scalar(g, dtypes.Float64, cfg.MinLR))
}

// scheduledMomentumGraph builds ScheduledMomentum(cfg, epoch) in float64.
func scheduledMomentumGraph(cfg OptimizerConfig, epoch *graph.Node) *graph.Node {
	g := epoch.Graph()
	e := graph.ConvertDType(epoch, dtypes.Float64)
	w := float64(cfg.MomentumSaturate - cfg.MomentumStart)
	if w <= 0 {
		return graph.Where(graph.GreaterOrEqual(e, graph.Scalar(g, dtypes.Float64, float64(cfg.MomentumStart))),
			graph.Scalar(g, dtypes.Float64, cfg.FinalMomentum), graph.Scalar(g, dtypes.Float64, cfg.InitMomentum))
	}
	alpha := graph.DivScalar(graph.AddScalar(e, -float64(cfg.MomentumStart)), w)
	alpha = graph.ClipScalar(alpha, 0, 1)
	return graph.AddScalar(graph.MulScalar(alpha, cfg.FinalMomentum-cfg.InitMomentum), cfg.InitMomentum)
}

// epochVariable returns the completed-epochs counter (created at 0).
func epochVariable(store *model.Store) *model.Variable {
	scopePath, name := model.SplitPath(EpochVariablePath)
	return store.Scope(scopePath).VariableWithValue(name, int64(0)).SetTrainable(false)
}

// countUpdate increments the player's update counter and returns the count
// before the increment (int64 scalar).
func countUpdate(scope *model.Scope, g *graph.Graph) *graph.Node {
	counter := scope.At(optimizerScopeName).WithInitializer(initializer.Zero).
		VariableWithShape(UpdatesVariableName, shapes.Make(dtypes.Int64)).SetTrainable(false)
	before := counter.NodeValue(g)
	counter.SetNodeValue(graph.AddScalar(before, 1))
	return before
}

// recordLR stores the learning rate in use in the player's learning_rate
// variable (float32, for inspection).
func recordLR(scope *model.Scope, lr *graph.Node, dtype dtypes.DType) {
	// GoMLX's own learning-rate variable: its Adam reads the node value set here.
	v := optimizer.LearningRateVar(scope, dtype, 0)
	v.SetNodeValue(graph.ConvertDType(lr, dtype))
}

// trainableInGraph lists, in scope.IterVariables order, the trainable
// variables of scope used by g: the order of the gradients.
func trainableInGraph(scope *model.Scope, g *graph.Graph) []*model.Variable {
	var vars []*model.Variable
	for v := range scope.IterVariables() {
		if v.Trainable && v.InUseByGraph(g) {
			vars = append(vars, v)
		}
	}
	return vars
}

// updateFromLoss is optimizer.Interface's UpdateGraph for a
// PlayerOptimizer: the gradients of the scalar loss with respect to scope's
// trainable variables, applied with UpdateGraphWithGradients. who names the
// optimizer in the panic for a non-scalar loss.
func updateFromLoss(who string, o PlayerOptimizer, scope *model.Scope, loss *graph.Node) {
	if !loss.Shape().IsScalar() {
		exceptions.Panicf("%s: loss must be a scalar, got %s", who, loss.Shape())
	}
	o.UpdateGraphWithGradients(scope, scope.BuildTrainableVariablesGradientsGraph(loss), loss.DType())
}

// momentumSGD is pylearn2's Momentum learning rule:
//
//	v ← μ·v − lr·g;  w ← w + v
//
// with lr from ScheduledLearningRate (per-player update counter) and μ from
// ScheduledMomentum (epoch counter at EpochVariablePath).
type momentumSGD struct{ cfg OptimizerConfig }

func (o *momentumSGD) Name() string { return OptimizerMomentum }

// UpdateGraph implements optimizer.Interface.
func (o *momentumSGD) UpdateGraph(scope *model.Scope, g *graph.Graph, loss *graph.Node) {
	updateFromLoss("ganlib momentum SGD", o, scope, loss)
}

// UpdateGraphWithGradients implements PlayerOptimizer.
func (o *momentumSGD) UpdateGraphWithGradients(scope *model.Scope, grads []*graph.Node, lossDType dtypes.DType) (
	lr, momentum *graph.Node) {
	if len(grads) == 0 {
		exceptions.Panicf("ganlib momentum SGD: no gradients for scope %q", scope.Scope())
	}
	g := grads[0].Graph()
	vars := trainableInGraph(scope, g)
	if len(vars) != len(grads) {
		exceptions.Panicf("ganlib momentum SGD: %d gradients for %d trainable variables in scope %q",
			len(grads), len(vars), scope.Scope())
	}

	// schedules: lr from this player's counter, μ from the epoch
	lr = scheduledLRGraph(o.cfg, countUpdate(scope, g))
	recordLR(scope, lr, lossDType)
	completed := epochVariable(scope.Store()).NodeValue(g)
	momentum = scheduledMomentumGraph(o.cfg, graph.AddScalar(completed, 1))

	// v ← μ·v − lr·g; w ← w + v
	for i, v := range vars {
		dtype := v.DType()
		velVar := scope.Store().Scope(path.Join(velocityScopeRoot, v.Scope())).
			WithInitializer(initializer.Zero).
			VariableWithShape(v.Name(), v.Shape()).SetTrainable(false)
		vel := graph.Sub(graph.Mul(graph.ConvertDType(momentum, dtype), velVar.NodeValue(g)),
			graph.Mul(graph.ConvertDType(lr, dtype), graph.ConvertDType(grads[i], dtype)))
		velVar.SetNodeValue(vel)
		v.SetNodeValue(graph.Add(v.NodeValue(g), vel))
	}
	return lr, momentum
}

// Clear implements optimizer.Interface: it deletes the velocities and the
// counter of the player.
func (o *momentumSGD) Clear(scope *model.Scope) error {
	if err := scope.Store().DeleteVariablesInScope(path.Join(velocityScopeRoot, scope.Scope())); err != nil {
		return err
	}
	return scope.Store().DeleteVariablesInScope(path.Join(scope.Scope(), optimizerScopeName))
}

// playerAdam is GoMLX's Adam, given only the player's scope, with the
// per-player learning-rate decay of ScheduledLearningRate applied through
// GoMLX's learning-rate variable. Moments live under "/adam/<player scope>",
// Adam's own step under "<player scope>/adam/step". (GoMLX's Adam also bumps
// the Store's shared "/global_step", which nothing here reads.)
type playerAdam struct{ cfg OptimizerConfig }

func (o *playerAdam) Name() string { return OptimizerAdam }

func (o *playerAdam) gomlx() *optimizer.AdamConfig {
	c := optimizer.Adam().Scope(adamScopeName).LearningRate(o.cfg.LearningRate)
	b1, b2, eps := o.cfg.Beta1, o.cfg.Beta2, o.cfg.Epsilon
	if b1 == 0 {
		b1 = 0.9
	}
	if b2 == 0 {
		b2 = 0.999
	}
	if eps == 0 {
		eps = 1e-8
	}
	return c.Betas(b1, b2).Epsilon(eps)
}

// UpdateGraph implements optimizer.Interface.
func (o *playerAdam) UpdateGraph(scope *model.Scope, g *graph.Graph, loss *graph.Node) {
	updateFromLoss("ganlib Adam", o, scope, loss)
}

// UpdateGraphWithGradients implements PlayerOptimizer.
func (o *playerAdam) UpdateGraphWithGradients(scope *model.Scope, grads []*graph.Node, lossDType dtypes.DType) (
	lr, momentum *graph.Node) {
	if len(grads) == 0 {
		exceptions.Panicf("ganlib Adam: no gradients for scope %q", scope.Scope())
	}
	g := grads[0].Graph()
	lr = scheduledLRGraph(o.cfg, countUpdate(scope, g))
	recordLR(scope, lr, lossDType)

	adam := o.gomlx().Done().(interface {
		UpdateGraphWithGradients(*model.Scope, []*graph.Node, dtypes.DType)
	})
	adam.UpdateGraphWithGradients(scope, grads, lossDType)
	b1 := o.cfg.Beta1
	if b1 == 0 {
		b1 = 0.9
	}
	return lr, graph.Scalar(g, dtypes.Float64, b1)
}

// Clear implements optimizer.Interface.
func (o *playerAdam) Clear(scope *model.Scope) error {
	if err := o.gomlx().Done().Clear(scope); err != nil {
		return err
	}
	if err := scope.Store().DeleteVariablesInScope(path.Join("/", adamScopeName, scope.Scope())); err != nil {
		return err
	}
	return scope.Store().DeleteVariablesInScope(path.Join(scope.Scope(), optimizerScopeName))
}

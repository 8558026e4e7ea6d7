package ganlib

// Checkpoints: a directory per saved step, written atomically.
//
//	<dir>/step-000000010/            one checkpoint (G step 10)
//	    checkpoint-*.json, *.bin     GoMLX's checkpoint of the whole Store:
//	                                 G, D, both optimizers' state and update
//	                                 counters, the epoch counter, the RNG
//	                                 state (#rngState)
//	    run.json                     RunMetadata: config, seed, G loss mode,
//	                                 backend, versions, G/D step counters,
//	                                 data order (batcher) state
//	<dir>/.tmp-<pid>-*               a save in progress (or killed): ignored,
//	                                 and removed by the next save or load once
//	                                 process <pid> is gone
//
// GoMLX's checkpoint package writes its files in place, so Save has it write
// into a fresh temporary directory, fsyncs every file and the directory,
// renames it to step-N and fsyncs the parent: a crash at any moment leaves
// either the previous checkpoints or the new one, never a torn one.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gan-notebooks/gan/data"
	"github.com/gan-notebooks/gan/ganlib/internal/atomicdir"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"
	"github.com/pkg/errors"
	"k8s.io/klog/v2"
)

// MetadataFileName is the run metadata file inside each checkpoint.
const MetadataFileName = "run.json"

const (
	checkpointPrefix = "step-"
	tempPrefix       = atomicdir.TempPrefix
	metadataFormat   = 1
)

// RunMetadata describes a run; it is saved as JSON (run.json) beside every
// checkpoint and is what LoadTrainer rebuilds the trainer from.
type RunMetadata struct {
	Format int
	// Config is the run's configuration, with the seed in use.
	Config Config
	// Seed is the seed in use; SeedDrawn says it was drawn (Config.Seed was
	// 0 when the run started) rather than given.
	Seed      uint64
	SeedDrawn bool
	// GeneratorLoss is G's objective mode ("non-saturating" when the config
	// left it empty), recorded explicitly (cases GAN-01/GAN-04).
	GeneratorLoss GeneratorLoss
	// Backend is the GoMLX backend name; GoVersion and GoMLXVersion the
	// toolchain and library versions; Created when the run started.
	Backend      string
	GoVersion    string
	GoMLXVersion string
	Created      time.Time

	// State at the checkpoint.
	GStep, DStep int64
	Saved        time.Time
	Batcher      batcherState
}

func newRunMetadata(cfg Config, seedDrawn bool, backend compute.Backend) RunMetadata {
	mode := cfg.GeneratorLoss
	if mode == "" {
		mode = LossNonSaturating
	}
	m := RunMetadata{
		Format: metadataFormat, Config: cfg, Seed: cfg.Seed, SeedDrawn: seedDrawn, GeneratorLoss: mode,
		Backend: backend.Name(), GoVersion: runtime.Version(), Created: time.Now().UTC(),
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/gomlx/gomlx" {
				m.GoMLXVersion = dep.Version
			}
		}
	}
	return m
}

// shapeString formats a shape as "float32[100 1200]".
func shapeString(s shapes.Shape) string {
	return fmt.Sprintf("%s%v", strings.ToLower(s.DType.String()), s.Dimensions)
}

func errorsf(format string, args ...any) error { return errors.Errorf(format, args...) }

// Save writes a checkpoint of the whole training state into
// dir/step-<GStep> (see the file comment for the layout), atomically, then
// removes older checkpoints beyond the WithKeepCheckpoints setting and any
// stale temporary directories. Saving the same step twice replaces it.
func (t *Trainer) Save(dir string) error {
	if t.failed != nil {
		return errors.WithMessage(t.failed, "ganlib.Trainer.Save: refusing to save a failed run")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return errors.Wrapf(err, "ganlib.Trainer.Save: creating %q", dir)
	}
	removeStale(dir)
	tmp, err := atomicdir.MkTemp(dir)
	if err != nil {
		return errors.Wrapf(err, "ganlib.Trainer.Save: creating a temporary directory in %q", dir)
	}
	ok := false
	defer func() {
		if !ok {
			_ = os.RemoveAll(tmp)
		}
	}()

	// variables, through GoMLX's checkpoint package (which attaches itself
	// as the store's loader: put the previous one back afterwards)
	prevLoader := t.store.Loader()
	h, err := checkpoint.Build(t.store).Dir(tmp).Keep(-1).Done()
	if err != nil {
		t.store.SetLoader(prevLoader)
		return errors.WithMessagef(err, "ganlib.Trainer.Save: checkpoint handler for %q", tmp)
	}
	err = h.Save()
	t.store.SetLoader(prevLoader)
	if err != nil {
		return errors.WithMessagef(err, "ganlib.Trainer.Save: writing variables into %q", tmp)
	}

	// metadata
	meta := t.meta
	meta.GStep, meta.DStep, meta.Saved, meta.Batcher = t.gStep, t.dStep, time.Now().UTC(), t.batcher.state()
	blob, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return errors.Wrap(err, "ganlib.Trainer.Save: encoding run metadata")
	}
	if err := os.WriteFile(filepath.Join(tmp, MetadataFileName), blob, 0o644); err != nil {
		return errors.Wrap(err, "ganlib.Trainer.Save: writing run metadata")
	}

	// make it durable, then publish it with one rename
	if err := atomicdir.SyncTree(tmp); err != nil {
		return errors.WithMessage(err, "ganlib.Trainer.Save")
	}
	final := filepath.Join(dir, fmt.Sprintf("%s%09d", checkpointPrefix, t.gStep))
	if _, err := os.Stat(final); err == nil {
		if err := atomicdir.Discard(dir, final); err != nil {
			return errors.WithMessage(err, "ganlib.Trainer.Save: replacing an earlier save of the same step")
		}
	}
	if err := os.Rename(tmp, final); err != nil {
		return errors.Wrapf(err, "ganlib.Trainer.Save: renaming %q to %q", tmp, final)
	}
	ok = true
	if err := atomicdir.SyncDir(dir); err != nil {
		return errors.WithMessage(err, "ganlib.Trainer.Save")
	}
	if filepath.Clean(dir) == filepath.Clean(t.opts.checkpointDir) {
		t.lastSaved = t.gStep
	}
	klog.V(1).Infof("ganlib: checkpoint %s written", final)

	// keep the newest few
	if t.opts.keep > 0 {
		steps, _ := listCheckpoints(dir)
		for len(steps) > t.opts.keep {
			if err := atomicdir.Discard(dir, steps[0]); err != nil {
				return errors.WithMessage(err, "ganlib.Trainer.Save: removing an old checkpoint")
			}
			steps = steps[1:]
		}
	}
	return nil
}

// removeStale deletes temporary and trash directories left by interrupted
// saves: those whose writing process (its pid is in the name) is gone, or
// this process's own. A save in progress in another live process is left
// alone. Errors are ignored: such directories are never read.
func removeStale(dir string) { atomicdir.RemoveStale(dir, true) }

// listCheckpoints returns the step-* directories of dir, oldest first.
func listCheckpoints(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	type ck struct {
		step int64
		path string
	}
	var cks []ck
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || !strings.HasPrefix(name, checkpointPrefix) {
			continue
		}
		step, err := strconv.ParseInt(strings.TrimPrefix(name, checkpointPrefix), 10, 64)
		if err != nil {
			continue
		}
		cks = append(cks, ck{step, filepath.Join(dir, name)})
	}
	sort.Slice(cks, func(i, j int) bool { return cks[i].step < cks[j].step })
	paths := make([]string, len(cks))
	for i, c := range cks {
		paths[i] = c.path
	}
	return paths, nil
}

// LatestCheckpoint returns the newest checkpoint directory under dir, after
// removing stale temporary directories.
func LatestCheckpoint(dir string) (string, error) {
	removeStale(dir)
	paths, err := listCheckpoints(dir)
	if err != nil {
		return "", errors.Wrapf(err, "ganlib: listing checkpoints in %q", dir)
	}
	if len(paths) == 0 {
		return "", errors.Errorf("ganlib: no checkpoint (step-* directory) in %q", dir)
	}
	return paths[len(paths)-1], nil
}

// ReadMetadata reads the run metadata of the newest checkpoint in dir.
func ReadMetadata(dir string) (RunMetadata, string, error) {
	ck, err := LatestCheckpoint(dir)
	if err != nil {
		return RunMetadata{}, "", err
	}
	var meta RunMetadata
	blob, err := os.ReadFile(filepath.Join(ck, MetadataFileName))
	if err != nil {
		return meta, ck, errors.Wrapf(err, "ganlib: reading %s", filepath.Join(ck, MetadataFileName))
	}
	if err := json.Unmarshal(blob, &meta); err != nil {
		return meta, ck, errors.Wrapf(err, "ganlib: decoding %s", filepath.Join(ck, MetadataFileName))
	}
	if meta.Format != metadataFormat {
		return meta, ck, errors.Errorf("ganlib: %s has format %d, this version reads %d",
			filepath.Join(ck, MetadataFileName), meta.Format, metadataFormat)
	}
	return meta, ck, nil
}

// LoadTrainer rebuilds the trainer saved in the newest checkpoint of dir
// (config, seed, counters, data order, every variable and optimizer slot) on
// backend, to continue training on train, which must be the same training
// set. Options apply as in NewTrainer.
func LoadTrainer(dir string, backend compute.Backend, train *data.Images, opts ...TrainerOption) (*Trainer, error) {
	meta, _, err := ReadMetadata(dir)
	if err != nil {
		return nil, err
	}
	cfg := meta.Config
	cfg.Seed = meta.Seed
	t, err := NewTrainer(backend, cfg, train, opts...)
	if err != nil {
		return nil, errors.WithMessagef(err, "ganlib.LoadTrainer(%q)", dir)
	}
	t.meta.SeedDrawn, t.meta.Created = meta.SeedDrawn, meta.Created
	if err := t.Resume(dir); err != nil {
		return nil, err
	}
	return t, nil
}

// Resume loads the newest checkpoint in dir into this trainer: variables,
// optimizer state, counters and data order. It fails, changing nothing,
// when the checkpoint's optimizers differ from the trainer's (resuming
// "sgd-momentum" state with "adam" would mix them), or when any variable is
// missing or has another shape (the error names the first such variable,
// the checkpoint's shape and the model's). Variables already initialised are
// overwritten bit for bit.
func (t *Trainer) Resume(dir string) error {
	meta, ck, err := ReadMetadata(dir)
	if err != nil {
		return err
	}
	for _, p := range []struct {
		who        string
		ckpt, mine OptimizerConfig
	}{{"D", meta.Config.OptD, t.cfg.OptD}, {"G", meta.Config.OptG, t.cfg.OptG}} {
		if p.ckpt.Name != p.mine.Name {
			return errors.Errorf("ganlib.Trainer.Resume(%q): checkpoint's %s optimizer is %q but this trainer's is %q; "+
				"their states cannot be mixed (start a new run, or resume with the checkpoint's optimizer)",
				ck, p.who, p.ckpt.Name, p.mine.Name)
		}
	}
	if meta.Config.Simultaneous != t.cfg.Simultaneous {
		return errors.Errorf("ganlib.Trainer.Resume(%q): checkpoint was trained with Simultaneous=%v, trainer has %v",
			ck, meta.Config.Simultaneous, t.cfg.Simultaneous)
	}

	// read every variable into a scratch store
	scratch := model.NewStore()
	if _, err := checkpoint.Load(scratch).Dir(ck).Immediate().Done(); err != nil {
		return errors.WithMessagef(err, "ganlib.Trainer.Resume: reading %q", ck)
	}
	saved := map[string]*model.Variable{}
	for v := range scratch.IterVariables() {
		saved[v.Path()] = v
	}

	// check everything before changing anything
	for v := range t.store.IterVariables() {
		sv, found := saved[v.Path()]
		if !found {
			return errors.Errorf("ganlib.Trainer.Resume(%q): the model's variable %s (shape %s) is not in the checkpoint; "+
				"nothing was loaded", ck, v.Path(), shapeString(v.Shape()))
		}
		if !sv.Shape().Equal(v.Shape()) {
			return errors.Errorf("ganlib.Trainer.Resume(%q): variable %s has shape %s in the checkpoint but %s in the model; "+
				"nothing was loaded", ck, v.Path(), shapeString(sv.Shape()), shapeString(v.Shape()))
		}
	}
	for p, sv := range saved {
		if t.store.GetVariable(p) == nil && (strings.HasPrefix(p, "/"+GeneratorScopeName+"/") ||
			strings.HasPrefix(p, "/"+DiscriminatorScopeName+"/")) {
			return errors.Errorf("ganlib.Trainer.Resume(%q): the checkpoint's variable %s (shape %s) is not in the model; "+
				"nothing was loaded", ck, p, shapeString(sv.Shape()))
		}
	}
	if err := t.batcher.restore(meta.Batcher); err != nil {
		return errors.WithMessagef(err, "ganlib.Trainer.Resume(%q)", ck)
	}

	// load
	for p, sv := range saved {
		value, err := sv.Value()
		if err != nil {
			return errors.WithMessagef(err, "ganlib.Trainer.Resume: variable %s", p)
		}
		if v := t.store.GetVariable(p); v != nil {
			err = v.SetValue(value)
		} else {
			// bookkeeping the model does not use (e.g. GoMLX's /global_step)
			scopePath, name := model.SplitPath(p)
			nv := t.store.Scope(scopePath).VariableWithValue(name, value)
			nv.SetTrainable(false)
		}
		if err != nil {
			return errors.WithMessagef(err, "ganlib.Trainer.Resume: setting %s", p)
		}
	}
	t.gStep, t.dStep = meta.GStep, meta.DStep
	t.lastSaved = t.gStep
	t.failed = nil
	klog.V(1).Infof("ganlib: resumed from %s at G step %d, D step %d", ck, t.gStep, t.dStep)
	return nil
}

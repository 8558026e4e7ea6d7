package mnistclf

// The cache: one folder per key,
//
//	<CacheDir>/<key>/
//	    checkpoint-*.json, checkpoint-*.bin   the weights, written by GoMLX's
//	                                          checkpoint package (uncompressed)
//	    manifest.json                         Info, with the SHA-256 of both
//	                                          checkpoint files
//	<CacheDir>/.tmp-<pid>-*                   an entry being written
//
// GoMLX writes its files in place, so an entry is written into a temporary
// folder, fsynced, then renamed to <key> in one step: a reader sees either
// no entry or a complete one. A verification failure (missing file,
// checksum mismatch) is reported with the file's path.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gan-notebooks/gan/ganlib/internal/atomicdir"
	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"
	"github.com/pkg/errors"
	"k8s.io/klog/v2"
)

const (
	manifestName   = "manifest.json"
	manifestFormat = 1
)

// fileSHA256 returns the hex SHA-256 of a file.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", errors.Wrapf(err, "reading %s", path)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeEntry writes clf's weights and manifest to root/key atomically,
// replacing an existing (corrupt) entry, and sets clf.Info.Files.
func writeEntry(clf *Classifier, root, key string) error {
	const fn = "mnistclf: writing the cache entry"
	if err := os.MkdirAll(root, 0o755); err != nil {
		return errors.Wrapf(err, "%s: creating %s", fn, root)
	}
	// writers in this process may run concurrently: keep their folders
	atomicdir.RemoveStale(root, false)
	tmp, err := atomicdir.MkTemp(root)
	if err != nil {
		return errors.Wrapf(err, "%s: temporary folder in %s", fn, root)
	}
	published := false
	defer func() {
		if !published {
			_ = os.RemoveAll(tmp)
		}
	}()

	// weights, through GoMLX's checkpoint package (it attaches itself to the
	// store as its loader; put the previous one back)
	clf.mu.Lock()
	prev := clf.store.Loader()
	h, err := checkpoint.Build(clf.store).Dir(tmp).Keep(-1).
		WithCompression(checkpoint.BinUncompressed).Done()
	if err == nil {
		err = h.Save()
	}
	clf.store.SetLoader(prev)
	clf.mu.Unlock()
	if err != nil {
		return errors.WithMessagef(err, "%s: saving the weights into %s", fn, tmp)
	}

	// checksums and manifest
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return errors.Wrapf(err, "%s: listing %s", fn, tmp)
	}
	clf.Info.Files = map[string]string{}
	for _, e := range entries {
		sum, err := fileSHA256(filepath.Join(tmp, e.Name()))
		if err != nil {
			return errors.Wrapf(err, "%s", fn)
		}
		clf.Info.Files[e.Name()] = sum
	}
	blob, err := json.MarshalIndent(clf.Info, "", "  ")
	if err != nil {
		return errors.Wrapf(err, "%s: encoding the manifest", fn)
	}
	if err := os.WriteFile(filepath.Join(tmp, manifestName), blob, 0o644); err != nil {
		return errors.Wrapf(err, "%s: writing the manifest", fn)
	}
	if err := atomicdir.SyncTree(tmp); err != nil {
		return errors.WithMessage(err, fn)
	}

	// publish: move a previous entry aside, then rename
	final := filepath.Join(root, key)
	if _, err := os.Stat(final); err == nil {
		if err := atomicdir.Discard(root, final); err != nil {
			return errors.Wrapf(err, "%s: removing the old entry %s", fn, final)
		}
	}
	if err := os.Rename(tmp, final); err != nil {
		if _, statErr := os.Stat(filepath.Join(final, manifestName)); statErr == nil {
			// another process published the same key meanwhile: keep theirs
			klog.V(1).Infof("mnistclf: %s was written concurrently; keeping it", final)
			return nil
		}
		return errors.Wrapf(err, "%s: renaming %s to %s", fn, tmp, final)
	}
	published = true
	if err := atomicdir.SyncDir(root); err != nil {
		return errors.WithMessage(err, fn)
	}
	klog.V(1).Infof("mnistclf: cached %s", final)
	return nil
}

// errNoEntry is returned by readEntry when the entry does not exist.
var errNoEntry = errors.New("no cache entry")

// readEntry verifies and loads the entry in dir; errNoEntry when there is
// none.
func readEntry(backend compute.Backend, dir string) (*Classifier, error) {
	manifestPath := filepath.Join(dir, manifestName)
	blob, err := os.ReadFile(manifestPath)
	if err != nil {
		if _, dirErr := os.Stat(dir); errors.Is(dirErr, os.ErrNotExist) {
			return nil, errNoEntry
		}
		return nil, errors.Wrapf(err, "mnistclf: cache entry %s", dir)
	}
	var info Info
	if err := json.Unmarshal(blob, &info); err != nil {
		return nil, errors.Wrapf(err, "mnistclf: decoding %s", manifestPath)
	}
	if info.Format != manifestFormat {
		return nil, errors.Errorf("mnistclf: %s: Format=%d, want %d", manifestPath, info.Format,
			manifestFormat)
	}
	if err := verifyFiles(dir, info.Files); err != nil {
		return nil, err
	}

	// weights
	store := model.NewStore()
	if _, err := checkpoint.Load(store).Dir(dir).Immediate().Done(); err != nil {
		return nil, errors.WithMessagef(err, "mnistclf: loading the weights in %s", dir)
	}
	var params int
	for v := range store.IterVariables() {
		if isWeight(v.Path()) {
			params += v.Shape().Size()
		}
	}
	if params != info.NumParameters || params == 0 {
		return nil, errors.Errorf("mnistclf: %s holds %d weights, manifest says %d", dir, params,
			info.NumParameters)
	}
	return &Classifier{Info: info, Dir: dir, FromCache: true, backend: backend, store: store}, nil
}

// verifyFiles checks that dir holds exactly the checkpoint files listed,
// each with its SHA-256.
func verifyFiles(dir string, files map[string]string) error {
	var hasJSON, hasBin bool
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
		hasJSON = hasJSON || strings.HasSuffix(name, checkpoint.JsonNameSuffix)
		hasBin = hasBin || strings.HasSuffix(name, checkpoint.BinDataSuffix)
	}
	if !hasJSON || !hasBin {
		return errors.Errorf("mnistclf: %s lists no checkpoint .json and .bin files",
			filepath.Join(dir, manifestName))
	}
	sort.Strings(names)
	for _, name := range names {
		path := filepath.Join(dir, name)
		got, err := fileSHA256(path)
		if err != nil {
			return errors.Wrapf(err, "mnistclf: cache file %s", path)
		}
		if got != files[name] {
			return errors.Errorf("mnistclf: cache file %s has SHA-256 %s, the manifest records %s "+
				"(corrupt or modified)", path, got, files[name])
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return errors.Wrapf(err, "mnistclf: listing %s", dir)
	}
	for _, e := range entries {
		if _, ok := files[e.Name()]; !ok && e.Name() != manifestName {
			return errors.Errorf("mnistclf: cache entry %s holds %s, not in its manifest", dir, e.Name())
		}
	}
	return nil
}

package nbrun

import (
	"bytes"
	"encoding/json"

	"github.com/pkg/errors"
)

// volatileCellMetadata are cell metadata keys that change on every run.
var volatileCellMetadata = []string{"execution", "ExecuteTime", "collapsed", "scrolled"}

// Strip returns the notebook ipynb without what changes from run to run:
// execution counts (cells and execute_result outputs), per-cell timing
// metadata (execution, ExecuteTime), the output scroll/collapse state, and
// the Go version in language_info. Outputs themselves are kept, so committed
// notebooks show their results. The result is formatted as Jupyter writes
// notebooks (one-space indent, sorted keys, trailing newline), so a notebook
// saved by Jupyter and then stripped diffs only where it changed.
func Strip(ipynb []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(ipynb))
	dec.UseNumber() // keep numbers exactly as written
	var nb map[string]any
	if err := dec.Decode(&nb); err != nil {
		return nil, errors.Wrap(err, "nbrun: strip: not a JSON notebook")
	}
	cells, ok := nb["cells"].([]any)
	if !ok {
		return nil, errors.New("nbrun: strip: notebook has no \"cells\" list")
	}
	for _, c := range cells {
		cell, ok := c.(map[string]any)
		if !ok {
			continue
		}
		if cell["cell_type"] == "code" {
			cell["execution_count"] = nil
		}
		if md, ok := cell["metadata"].(map[string]any); ok {
			for _, k := range volatileCellMetadata {
				delete(md, k)
			}
		}
		outputs, _ := cell["outputs"].([]any)
		for _, o := range outputs {
			if out, ok := o.(map[string]any); ok && out["output_type"] == "execute_result" {
				out["execution_count"] = nil
			}
		}
	}
	if md, ok := nb["metadata"].(map[string]any); ok {
		if li, ok := md["language_info"].(map[string]any); ok {
			delete(li, "version")
		}
	}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(nb); err != nil {
		return nil, errors.WithStack(err)
	}
	return buf.Bytes(), nil
}

package evaluation

import (
	"context"
	"fmt"

	"github.com/gan-notebooks/gan/data"
)

// PaperCitation is the source of PaperTable1.
const PaperCitation = "I. Goodfellow, J. Pouget-Abadie, M. Mirza, B. Xu, D. Warde-Farley, " +
	"S. Ozair, A. Courville, Y. Bengio. Generative Adversarial Nets. NIPS 2014, Table 1."

// PublishedRow is one model's entry in a published table: the mean
// Parzen-window log-likelihood of the test set, in nats, and its standard
// error.
type PublishedRow struct {
	Model        string
	Mean, StdErr float64
}

// PublishedTable is one dataset's column of Table 1 of the paper.
type PublishedTable struct {
	// Dataset is "MNIST" or "TFD".
	Dataset string
	Rows    []PublishedRow
	// StdErrOver says what the standard error is taken across.
	StdErrOver string
	Unit       string
	Citation   string
}

// PaperTable1 returns Table 1 of the paper (Parzen window-based
// log-likelihood estimates, nats): MNIST then TFD. On MNIST the error is the
// standard error of the mean over test examples; on TFD it is across the
// dataset's folds, each fold with its own σ chosen on its validation set.
func PaperTable1() []PublishedTable {
	return []PublishedTable{
		{
			Dataset: "MNIST",
			Rows: []PublishedRow{
				{"DBN", 138, 2},
				{"Stacked CAE", 121, 1.6},
				{"Deep GSN", 214, 1.1},
				{"Adversarial nets", 225, 2},
			},
			StdErrOver: "test examples",
			Unit:       "nats",
			Citation:   PaperCitation,
		},
		{
			Dataset: "TFD",
			Rows: []PublishedRow{
				{"DBN", 1909, 66},
				{"Stacked CAE", 2110, 50},
				{"Deep GSN", 1890, 29},
				{"Adversarial nets", 2057, 26},
			},
			StdErrOver: "folds",
			Unit:       "nats",
			Citation:   PaperCitation,
		},
	}
}

// MeasuredRow is this project's entry for a Table 1 style comparison: a
// Parzen estimate together with everything needed to judge it (σ and the
// counts: a Parzen number without them is easy to misread, see
// TrainingSetRow).
type MeasuredRow struct {
	Model, Dataset string
	// Mean and StdErr in nats (StdErr from the population std, over test
	// examples).
	Mean, StdErr float64
	Sigma        float64
	// NumSamples kernel centres, NumTest test points, NumValidation
	// validation examples that chose σ (0 when σ was given).
	NumSamples, NumTest, NumValidation int
	// Protocol describes how the number was obtained, in words.
	Protocol string
	Unit     string
}

// MeanBits returns Mean in bits.
func (r MeasuredRow) MeanBits() float64 { return r.Mean * Log2E }

// RowFromResult turns a Parzen result into a table row.
func RowFromResult(model, dataset string, res *ParzenResult) MeasuredRow {
	row := MeasuredRow{
		Model: model, Dataset: dataset,
		Mean: res.Mean, StdErr: res.StdErr, Sigma: res.Sigma,
		NumSamples: res.NumSamples, NumTest: res.NumTest,
		Unit: "nats",
	}
	selection := fmt.Sprintf("σ=%.4g given", res.Sigma)
	if res.Selection != nil {
		row.NumValidation = res.Selection.NumValidation
		selection = fmt.Sprintf("σ=%.4g chosen among %d widths by mean log-likelihood of %d "+
			"validation examples", res.Sigma, len(res.Selection.Scores), res.Selection.NumValidation)
	}
	row.Protocol = fmt.Sprintf("Gaussian Parzen window on %d samples (d=%d); %s; mean over %d "+
		"test examples ± standard error (population std/√N), nats", res.NumSamples, res.Dim,
		selection, res.NumTest)
	return row
}

// TrainingSetRow scores the first numSamples training examples as if they
// were generated samples, with the same protocol as EvaluateParzen. It shows
// what memorisation would score: a generator that copies the training set
// gets about this value, so a GAN's number should be read next to it.
func TrainingSetRow(ctx context.Context, dataset string, train *data.Images, numSamples int,
	validation, test *data.Images, opts *ParzenOptions) (MeasuredRow, error) {
	const fn = "evaluation.TrainingSetRow"
	if err := checkSet(fn, "train", train, false); err != nil {
		return MeasuredRow{}, err
	}
	if numSamples <= 0 || numSamples > train.N {
		return MeasuredRow{}, fmt.Errorf("%s: numSamples=%d, want 1..%d (the training set size)",
			fn, numSamples, train.N)
	}
	samples := *train
	samples.N = numSamples
	samples.Pix = train.Pix[:numSamples*train.Dim()]
	samples.Labels = nil
	for _, other := range []struct {
		name string
		im   *data.Images
	}{{"validation", validation}, {"test", test}} {
		if other.im != nil && shareMemory(&samples, other.im) {
			return MeasuredRow{}, fmt.Errorf("%s: the first %d training examples overlap the %s "+
				"set in memory; take validation and test from outside them", fn, numSamples, other.name)
		}
	}
	res, err := EvaluateParzen(ctx, &samples, validation, test, opts)
	if err != nil {
		return MeasuredRow{}, fmt.Errorf("%s: %w", fn, err)
	}
	return RowFromResult(fmt.Sprintf("Training set as samples (%d examples)", numSamples),
		dataset, res), nil
}

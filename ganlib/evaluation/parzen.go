package evaluation

import (
	"context"
	"fmt"
	"math"
	"runtime"

	"k8s.io/klog/v2"

	"github.com/gan-notebooks/gan/data"
	"github.com/gan-notebooks/gan/ganlib/internal/cpu"
)

// DefaultMemoryBudget is the working memory ParzenOptions.MemoryBudget
// defaults to: 512 MiB.
const DefaultMemoryBudget int64 = 512 << 20

// DefaultNumValidation is the number of validation examples the authors'
// protocol uses to choose σ (parzen_ll.py keeps the first 1000).
const DefaultNumValidation = 1000

// Log2E converts nats to bits: bits = nats · Log2E = nats / ln 2.
const Log2E = math.Log2E

// DefaultParzenSigmas returns the authors' grid of kernel widths: 10 values
// evenly spaced in log from 0.1 to 1.0, i.e. numpy.logspace(-1, 0, 10):
// σᵢ = 10^(-1 + i/9), i = 0..9. They suit data in [0, 1].
func DefaultParzenSigmas() []float64 {
	sigmas := make([]float64, 10)
	for i := range sigmas {
		sigmas[i] = math.Pow(10, -1+float64(i)/9)
	}
	return sigmas
}

// ParzenOptions configures the Parzen-window evaluation. The zero value (or
// a nil pointer) follows the authors' protocol with a 512 MiB budget.
type ParzenOptions struct {
	// Sigmas are the candidate kernel widths; nil means DefaultParzenSigmas().
	Sigmas []float64

	// NumValidation is how many validation examples (the first ones) choose
	// σ: 0 means DefaultNumValidation (1000), a negative value means all.
	NumValidation int

	// MemoryBudget bounds, in bytes, the working memory of one evaluation:
	// the float64 copy of the samples, per-worker chunk buffers and distance
	// tiles. The caller's inputs and the returned per-point values are not
	// counted. 0 means DefaultMemoryBudget. The floor is one test point
	// against one sample per worker.
	MemoryBudget int64

	// ChunkSize is the number of test points per chunk; 0 derives the largest
	// chunk the budget allows (split so every worker gets one). A positive
	// value is used as given and may exceed the budget. Results do not depend
	// on it (1e-9 relative; bit-identical with the SIMD kernel when the
	// samples are not tiled).
	ChunkSize int

	// Workers is the number of goroutines working on chunks; 0 means
	// runtime.GOMAXPROCS(0).
	Workers int

	// Progress, when set, is called after every ProgressEvery finished chunks
	// and after the last one. Calls are serialised but come from worker
	// goroutines; keep them short.
	Progress func(ParzenProgress)

	// ProgressEvery is the number of chunks between Progress calls; 0 means 1.
	ProgressEvery int
}

// ParzenProgress reports how far an evaluation is.
type ParzenProgress struct {
	// Stage is "validation" (choosing σ) or "test".
	Stage string
	// ChunksDone out of Chunks are finished; PointsDone out of Points.
	ChunksDone, Chunks int
	PointsDone, Points int
}

// SigmaScore is the mean validation log-likelihood (nats) of one σ.
type SigmaScore struct {
	Sigma, MeanLogLikelihood float64
}

// SigmaSelection is the outcome of choosing σ on validation data.
type SigmaSelection struct {
	// Sigma is the chosen width: the first of Scores with the highest mean.
	Sigma float64
	// Scores lists every candidate in the order given.
	Scores []SigmaScore
	// NumValidation is the number of validation examples used.
	NumValidation int
}

// ParzenResult is a Parzen-window log-likelihood estimate (Goodfellow et al.
// 2014, Section 5 and Table 1). Values are in nats; MeanBits and StdErrBits
// convert.
type ParzenResult struct {
	// Mean is the mean log-likelihood of the test points, in nats.
	Mean float64
	// StdErr is the standard error of Mean: the population standard
	// deviation (numpy's default, as in the authors' parzen_ll.py) over
	// √NumTest.
	StdErr float64
	// Sigma is the kernel width used.
	Sigma float64
	// NumSamples is the number of generated samples (kernel centres),
	// NumTest the number of test points, Dim their dimension.
	NumSamples, NumTest, Dim int
	// PerPoint holds log p(x) for every test point, in the input order.
	PerPoint []float64
	// Selection is how Sigma was chosen; nil when it was given.
	Selection *SigmaSelection
}

// MeanBits returns Mean in bits (Mean / ln 2).
func (r *ParzenResult) MeanBits() float64 { return r.Mean * Log2E }

// StdErrBits returns StdErr in bits.
func (r *ParzenResult) StdErrBits() float64 { return r.StdErr * Log2E }

// String formats the result with its unit, σ and counts, e.g.
// "225.0 ± 2.0 nats (σ=0.1, 10000 samples, 10000 test points)".
func (r *ParzenResult) String() string {
	return fmt.Sprintf("%.1f ± %.1f nats (σ=%.3g, %d samples, %d test points)",
		r.Mean, r.StdErr, r.Sigma, r.NumSamples, r.NumTest)
}

// MeanStdErr returns the mean of values and its standard error computed
// with the population standard deviation: sqrt(mean((v-mean)²)) / √n, as
// numpy's std (ddof=0) does in the authors' evaluation. Both are NaN when
// values is empty.
func MeanStdErr(values []float64) (mean, stdErr float64) {
	n := float64(len(values))
	if len(values) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, v := range values {
		mean += v
	}
	mean /= n
	var ss float64
	for _, v := range values {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss/n) / math.Sqrt(n)
}

// EvaluateParzen runs the authors' protocol: it chooses σ among
// opts.Sigmas by the mean log-likelihood of (the first NumValidation)
// validation examples, then reports the mean log-likelihood of the test
// points under that σ, with its standard error, in nats.
//
// samples are the generated samples (the kernel centres, 10000 in the
// paper), validation and test real examples; all three have the same
// dimension and, when declared, the same value range ([0, 1] for the
// default σ grid). The test set never takes part in choosing σ: it is
// only passed on after SelectParzenSigma returns, and sets whose pixels
// overlap in memory with the validation set are refused.
func EvaluateParzen(ctx context.Context, samples, validation, test *data.Images,
	opts *ParzenOptions) (*ParzenResult, error) {
	const fn = "evaluation.EvaluateParzen"
	if err := checkSet(fn, "test", test, false); err != nil {
		return nil, err
	}
	if err := checkSet(fn, "validation", validation, false); err != nil {
		return nil, err
	}
	if shareMemory(validation, test) {
		return nil, fmt.Errorf("%s: validation and test share pixel memory; "+
			"σ must be chosen on data disjoint from the test set", fn)
	}

	// choose σ on validation data only
	selection, err := SelectParzenSigma(ctx, samples, validation, opts)
	if err != nil {
		return nil, err
	}

	// score the test set with the chosen σ
	result, err := ParzenWithSigma(ctx, samples, test, selection.Sigma, opts)
	if err != nil {
		return nil, err
	}
	result.Selection = selection
	return result, nil
}

// SelectParzenSigma chooses the kernel width: for each σ of opts.Sigmas it
// computes the mean log-likelihood of the first opts.NumValidation
// validation examples (default 1000) under a Parzen window on samples, and
// returns the σ with the highest mean (the first one on ties). The distances
// are computed once and shared by all σ. It has no test-set argument by
// design.
func SelectParzenSigma(ctx context.Context, samples, validation *data.Images,
	opts *ParzenOptions) (*SigmaSelection, error) {
	const fn = "evaluation.SelectParzenSigma"
	o := opts.withDefaults()
	if err := checkInputs(fn, samples, "validation", validation); err != nil {
		return nil, err
	}
	if len(o.Sigmas) == 0 {
		return nil, fmt.Errorf("%s: ParzenOptions.Sigmas is empty", fn)
	}
	n := validation.N
	if o.NumValidation >= 0 && o.NumValidation < n {
		n = o.NumValidation
	}
	if n == 0 {
		return nil, fmt.Errorf("%s: ParzenOptions.NumValidation=%d leaves no validation example",
			fn, o.NumValidation)
	}
	perSigma, err := parzenLogLikelihoods(ctx, samples, validation, n, o.Sigmas, o, "validation")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	sel := &SigmaSelection{NumValidation: n, Scores: make([]SigmaScore, len(o.Sigmas))}
	best := math.Inf(-1)
	for i, sigma := range o.Sigmas {
		mean, _ := MeanStdErr(perSigma[i])
		sel.Scores[i] = SigmaScore{Sigma: sigma, MeanLogLikelihood: mean}
		if mean > best {
			best, sel.Sigma = mean, sigma
		}
	}
	klog.V(1).Infof("%s: chose σ=%g (mean validation log-likelihood %g nats on %d examples)",
		fn, sel.Sigma, best, n)
	return sel, nil
}

// ParzenWithSigma scores every test point under a Parzen window of width
// sigma on samples and returns the mean, its standard error and the
// per-point values (ParzenResult.Selection is nil).
func ParzenWithSigma(ctx context.Context, samples, test *data.Images, sigma float64,
	opts *ParzenOptions) (*ParzenResult, error) {
	perPoint, err := ParzenLogLikelihoods(ctx, samples, test, sigma, opts)
	if err != nil {
		return nil, err
	}
	mean, se := MeanStdErr(perPoint)
	return &ParzenResult{
		Mean: mean, StdErr: se, Sigma: sigma,
		NumSamples: samples.N, NumTest: test.N, Dim: test.Dim(),
		PerPoint: perPoint,
	}, nil
}

// ParzenLogLikelihoods returns, for every point x of points (in order),
//
//	log p(x) = log( (1/M) Σⱼ exp(-||x-μⱼ||² / (2σ²)) ) - d·log(σ·√(2π))
//
// in nats, where μⱼ are the M samples and d the dimension: the log-density of
// x under an isotropic Gaussian Parzen window on the samples (Section 5 of the
// paper). Values may be positive (densities above 1, e.g. memorised samples
// with small σ); they are never clipped, and never -Inf: the log-sum-exp is
// taken in float64 relative to the nearest sample.
//
// opts.Sigmas and opts.NumValidation are ignored.
func ParzenLogLikelihoods(ctx context.Context, samples, points *data.Images, sigma float64,
	opts *ParzenOptions) ([]float64, error) {
	const fn = "evaluation.ParzenLogLikelihoods"
	o := opts.withDefaults()
	if err := checkInputs(fn, samples, "points", points); err != nil {
		return nil, err
	}
	perSigma, err := parzenLogLikelihoods(ctx, samples, points, points.N, []float64{sigma}, o, "test")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	return perSigma[0], nil
}

func checkInputs(fn string, samples *data.Images, name string, points *data.Images) error {
	if err := checkSet(fn, "samples", samples, false); err != nil {
		return err
	}
	if err := checkSet(fn, name, points, true); err != nil {
		return err
	}
	return checkPair(fn, "samples", samples, name, points)
}

func (opts *ParzenOptions) withDefaults() ParzenOptions {
	var o ParzenOptions
	if opts != nil {
		o = *opts
	}
	if o.Sigmas == nil {
		o.Sigmas = DefaultParzenSigmas()
	}
	if o.NumValidation == 0 {
		o.NumValidation = DefaultNumValidation
	}
	if o.MemoryBudget <= 0 {
		o.MemoryBudget = DefaultMemoryBudget
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.ProgressEvery <= 0 {
		o.ProgressEvery = 1
	}
	return o
}

// parzenPlan is how an evaluation is cut: test points in chunks of chunk,
// samples in tiles of tile (tile == m: one shared float64 copy).
type parzenPlan struct {
	chunk, tile, workers int
}

// planParzen fits the chunk and tile sizes into the memory budget.
func planParzen(n, m, d, numSigmas int, o ParzenOptions) parzenPlan {
	p := parzenPlan{workers: o.Workers}
	budget := o.MemoryBudget
	const f64 = 8
	sampleBytes := int64(m) * int64(d+1) * f64
	var shared, perWorkerFixed int64
	if sampleBytes <= budget/2 {
		p.tile = m
		shared = sampleBytes
	} else {
		p.tile = int(budget / 2 / (int64(p.workers) * int64(d+1) * f64))
		p.tile = max(1, min(p.tile, m))
		perWorkerFixed = int64(p.tile) * int64(d+1) * f64
	}
	// per test point and worker: the float64 row, its norm, a distance row
	// and the running log-sum-exp state of every σ
	perRow := int64(d+1+p.tile+2*numSigmas) * f64
	rest := budget - shared - int64(p.workers)*perWorkerFixed
	p.chunk = int(rest / (int64(p.workers) * perRow))
	if o.ChunkSize > 0 {
		p.chunk = o.ChunkSize
	} else {
		p.chunk = min(p.chunk, (n+p.workers-1)/p.workers)
	}
	p.chunk = max(1, min(p.chunk, n))
	return p
}

// Contribution tolerance, in nats, below which a kernel term's distance is
// not recomputed directly (see parzenWorker.refine).
const refineTolerance = 1e-10

// parzenLogLikelihoods computes the log-likelihood of the first n points for
// every σ, returned as [len(sigmas)][n].
func parzenLogLikelihoods(ctx context.Context, samples, points *data.Images, n int,
	sigmas []float64, o ParzenOptions, stage string) ([][]float64, error) {
	for i, s := range sigmas {
		if !(s > 0) || math.IsInf(s, 1) {
			return nil, fmt.Errorf("sigma[%d] = %g: want a finite value > 0", i, s)
		}
	}
	m, d := samples.N, samples.Dim()
	out := make([][]float64, len(sigmas))
	for i := range out {
		out[i] = make([]float64, n)
	}
	if n == 0 {
		return out, nil
	}
	plan := planParzen(n, m, d, len(sigmas), o)
	numChunks := (n + plan.chunk - 1) / plan.chunk
	workers := min(plan.workers, numChunks)
	klog.V(2).Infof("evaluation: Parzen %s: %d points x %d samples x d=%d, %d σ, chunk %d, "+
		"sample tile %d, %d workers", stage, n, m, d, len(sigmas), plan.chunk, plan.tile, workers)

	// constants per σ
	e := &parzenEngine{samples: samples, points: points, m: m, d: d, tile: plan.tile,
		errFactor: gemmErrorFactor(d)}
	for _, s := range sigmas {
		c := 1 / (2 * s * s)
		e.inv2var = append(e.inv2var, c)
		e.logNorm = append(e.logNorm, -math.Log(float64(m))-float64(d)*logSigmaSqrt2Pi(s))
		e.maxInv2Var = max(e.maxInv2Var, c)
	}
	cpu.ClearAVXUpperState()
	if plan.tile == m {
		e.mu, e.musq = toFloat64(samples, 0, m, nil, nil)
	}

	// workers take chunks in order from a shared counter
	workerState := make([]*parzenWorker, workers)
	for w := range workerState {
		workerState[w] = &parzenWorker{e: e}
	}
	var progress func(done int)
	if o.Progress != nil {
		progress = func(done int) {
			if done%o.ProgressEvery == 0 || done == numChunks {
				o.Progress(ParzenProgress{Stage: stage, ChunksDone: done, Chunks: numChunks,
					PointsDone: min(n, done*plan.chunk), Points: n})
			}
		}
	}
	err := forEachChunk(ctx, workers, numChunks, func(w, c int) {
		lo, hi := c*plan.chunk, min(n, (c+1)*plan.chunk)
		workerState[w].chunk(lo, hi, out)
	}, progress)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// parzenEngine holds what the workers share.
type parzenEngine struct {
	samples, points *data.Images
	m, d, tile      int
	inv2var         []float64 // 1/(2σ²) per σ
	logNorm         []float64 // -log M - d·log(σ√(2π)) per σ
	maxInv2Var      float64
	errFactor       float64   // see gemmErrorFactor
	mu, musq        []float64 // all samples in float64 when tile == m
}

// parzenWorker holds one goroutine's buffers.
type parzenWorker struct {
	e              *parzenEngine
	x, xsq         []float64
	muBuf, musqBuf []float64
	dist           []float64
	lseMax, lseSum []float64 // [σ][row] running log-sum-exp state
}

// chunk computes rows [lo, hi) of the points for every σ into out.
func (w *parzenWorker) chunk(lo, hi int, out [][]float64) {
	e := w.e
	cpu.ClearAVXUpperState()
	b, d, numSigmas := hi-lo, e.d, len(e.inv2var)
	w.x, w.xsq = toFloat64(e.points, lo, hi, w.x, w.xsq)
	w.lseMax = resize(w.lseMax, numSigmas*b)
	w.lseSum = resize(w.lseSum, numSigmas*b)
	for i := range w.lseMax {
		w.lseMax[i], w.lseSum[i] = math.Inf(-1), 0
	}

	for t0 := 0; t0 < e.m; t0 += e.tile {
		// sample tile in float64
		t1 := min(e.m, t0+e.tile)
		mt := t1 - t0
		mu, musq := e.mu, e.musq
		if e.tile < e.m {
			w.muBuf, w.musqBuf = toFloat64(e.samples, t0, t1, w.muBuf, w.musqBuf)
			mu, musq = w.muBuf, w.musqBuf
		}

		// cross term: dist = -2 · x · μᵀ, [b, mt]
		w.dist = resize(w.dist, b*mt)
		crossNT(b, mt, d, -2, w.x, mu, w.dist)

		for r := range b {
			row := w.dist[r*mt : (r+1)*mt]
			minD := w.squaredDistances(row, w.xsq[r], musq)
			minD = w.refine(row, minD, w.x[r*d:(r+1)*d], w.xsq[r], mu, musq)
			w.accumulate(row, minD, r, b)
		}
	}

	// log p(x) = max + log(sum) - log M - d·log(σ√(2π))
	for s := range numSigmas {
		for r := range b {
			i := s*b + r
			out[s][lo+r] = w.lseMax[i] + math.Log(w.lseSum[i]) + e.logNorm[s]
		}
	}
}

// squaredDistances turns a row of -2x·μⱼ into ||x||² + ||μⱼ||² - 2x·μⱼ,
// clamping the tiny negative values cancellation can produce to 0, and
// returns the row's minimum.
func (w *parzenWorker) squaredDistances(row []float64, xsq float64, musq []float64) float64 {
	minD := math.Inf(1)
	for j, v := range row {
		v += xsq + musq[j]
		if v < 0 {
			v = 0
		}
		row[j] = v
		if v < minD {
			minD = v
		}
	}
	return minD
}

// refine recomputes directly, as Σₖ(xₖ-μⱼₖ)², the distances whose GEMM
// cancellation error could move log p(x) by more than refineTolerance, and
// returns the new row minimum.
//
// The expanded distance is off by at most εⱼ = errFactor·(||x||²+||μⱼ||²)
// (gemmErrorFactor). Term j enters the log-sum-exp with weight at most
// exp(-Δⱼ/(2σ²)), Δⱼ its distance above the row minimum, so its error moves
// log p(x) by at most εⱼ·c·exp(-Δⱼ·c) with c = 1/(2σ²), which is at most
// εⱼ·min(c_max, 1/(e·Δⱼ)) for every σ of the grid. Only terms above
// refineTolerance are recomputed: in practice the few nearest samples, and
// only when σ is small or the samples nearly coincide with x (memorised
// samples with σ=1e-5 need this; with [0,1] data, d=784 and σ ≥ 0.1 only
// near-duplicates do). Two passes cover a minimum that moves.
func (w *parzenWorker) refine(row []float64, minD float64, x []float64, xsq float64,
	mu, musq []float64) float64 {
	e := w.e
	d := e.d
	for range 2 {
		changed := false
		for j, v := range row {
			eps := e.errFactor * (xsq + musq[j])
			if eps*e.maxInv2Var <= refineTolerance {
				continue
			}
			delta := v - minD - 2*eps
			if delta > 0 && eps/(math.E*delta) <= refineTolerance {
				continue
			}
			exact := directSqDist(x, mu[j*d:(j+1)*d])
			if exact != v {
				row[j] = exact
				changed = true
			}
		}
		if !changed {
			break
		}
		minD = math.Inf(1)
		for _, v := range row {
			minD = min(minD, v)
		}
	}
	return minD
}

// accumulate adds the row's kernel terms to the running log-sum-exp of row r
// (of b) for every σ, relative to the row minimum so the largest term is
// exp(0) = 1 and the sum never underflows.
func (w *parzenWorker) accumulate(row []float64, minD float64, r, b int) {
	// exp(-a) is exactly 0 in float64 for a above ~745.13 (math.Exp returns
	// 0 below its underflow threshold), so such terms are skipped.
	const expUnderflow = 745.2
	for s, c := range w.e.inv2var {
		var sum float64
		for _, v := range row {
			a := (v - minD) * c
			if a < expUnderflow {
				sum += math.Exp(-a)
			}
		}
		tileMax := -minD * c
		i := s*b + r
		if m := w.lseMax[i]; m == math.Inf(-1) {
			w.lseMax[i], w.lseSum[i] = tileMax, sum
		} else {
			nm := max(m, tileMax)
			w.lseSum[i] = w.lseSum[i]*math.Exp(m-nm) + sum*math.Exp(tileMax-nm)
			w.lseMax[i] = nm
		}
	}
}

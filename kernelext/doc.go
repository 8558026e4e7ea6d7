// Package kernelext shows what a GAN is doing, inside a GoNB notebook or out
// of it: sample grids, training curves, the paper's Figure 1 for 1-D games,
// tables, a live training view, progress lines, widgets and interrupts.
//
// # Building and showing
//
// Every visual has a builder that returns an image.Image, PNG bytes, an SVG
// or an HTML string and needs no Jupyter (Grid, GridPNG, CurvesPlot,
// SigmaSweepPlot, HistogramPlot, Figure1Frame, FramesHTML, Table.HTML,
// CollapseBadgeHTML, LiveHTML, ...), and a thin Display... function that
// sends it through gonbui. Display functions:
//
//   - send images as image/png, so they persist in the saved notebook
//     (live views are transient and end with Finish, which re-emits the final
//     state as static PNG + HTML);
//   - flush with gonbui.Sync before returning, so a cell that ends right after
//     keeps its output;
//   - outside a notebook (no GONB_PIPE, e.g. go test) write the content to the
//     directory named by GAN_DISPLAY_DIR (or SetDisplayDir), or drop it, and
//     say so in the returned Shown; they never fail for display reasons.
//
// # Mapping to the paper (Goodfellow et al., 2014)
//
//   - Grid with GridOptions.Neighbours is the layout of Figure 2: rows of
//     samples and, in a separate framed column, the nearest training example.
//   - Figure1Frame draws Figure 1: p_data (black dotted), p_g (green solid),
//     D (blue dashed) and the mapping x = G(z) from the z line to the x line.
//     FramesHTML/AnimatedGIF replay a sequence of frames over training.
//   - MetricsPlots and LiveView show both objectives of Algorithm 1 (D's and
//     G's losses) next to mean D(x) and D(G(z)), whose equilibrium value is
//     1/2 (Proposition 1 at p_g = p_data).
//   - Table, FormatLogLik and ParzenProtocol lay out Table 1; every Parzen
//     number must be shown with its sigma and sample counts.
//
// # Value ranges
//
// Pixels are mapped from the declared data.Images.Range to 8 bits with
// round(255*(v-lo)/(hi-lo)), round(x) = floor(x+0.5), clamped (never wrapped).
// NaN or ±Inf samples are an error naming the sample, never pixels.
//
// # Out of scope
//
// kernelext does not import ganlib or GoMLX: it takes plain Go values and
// *data.Images, and notebooks glue the two. It computes no GAN metrics itself
// (diversity, Parzen, nearest neighbours live in ganlib/evaluation); it only
// shows them. Interactive widgets need a front-end that runs GoNB's
// JavaScript (Jupyter, not VS Code or nbconvert); everywhere else they take
// their defaults.
package kernelext

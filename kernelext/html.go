package kernelext

import (
	"fmt"
	"html"
	"math"
	"sort"
	"strconv"
	"strings"
)

// CollapseBadgeHTML returns a small HTML badge to show next to a sample grid:
// red "mode collapse" when collapsed is true, green "diverse" otherwise, with
// the diversity metric's name, value and threshold (GAN-09). The decision is
// the caller's (e.g. ganlib's diversity metric: collapsed when the mean
// pairwise L2 distance is below the threshold); a NaN value is shown as such,
// in red.
func CollapseBadgeHTML(collapsed bool, value, threshold float64, metric string) string {
	if metric == "" {
		metric = "diversity"
	}
	bg, text := "#1a7f37", "diverse"
	if collapsed || math.IsNaN(value) {
		bg, text = "#cf222e", "mode collapse"
	}
	if math.IsNaN(value) {
		text = "metric is NaN"
	}
	cmp := "≥"
	if value < threshold {
		cmp = "&lt;"
	}
	return fmt.Sprintf(`<span style="display:inline-block;padding:2px 8px;border-radius:10px;`+
		`background:%s;color:white;font:12px sans-serif">%s: %s = %s %s %s</span>`,
		bg, text, html.EscapeString(metric), FormatNumber(value), cmp, FormatNumber(threshold))
}

// FormatNumber formats v with 6 significant digits, keeping its sign
// ("-3.68623", "9.49538", "0", "NaN", "+Inf").
func FormatNumber(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// FormatLogLik formats a mean log-likelihood and its standard error as in the
// paper's Table 1 ("225.0 ± 2.0"), with digits decimals. Positive values are
// legitimate (GAN-26: a density above 1) and are shown as is; negative values
// keep their minus sign. NaN or Inf are shown as such, never clamped.
func FormatLogLik(mean, stdErr float64, digits int) string {
	f := func(v float64) string {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return FormatNumber(v)
		}
		return strconv.FormatFloat(v, 'f', digits, 64)
	}
	return f(mean) + " ± " + f(stdErr)
}

// ParzenProtocol is the line to show next to every Parzen-window number
// (GAN-26): the bandwidth, how many generated samples form the window, how many
// test points were scored, and the unit. A generator that memorises training
// points scores very high at small sigma, so the number means nothing without
// these.
func ParzenProtocol(sigma float64, nSamples, nTest int) string {
	return fmt.Sprintf("Parzen window log-likelihood in nats: σ = %s, %d generated samples, %d test points",
		FormatNumber(sigma), nSamples, nTest)
}

// FormatParzen formats one Parzen-window result with its protocol attached,
// so the number never travels without sigma and the sample count (GAN-26):
// "225 ± 2 nats (σ = 0.2, 10000 samples)". Values keep 6 significant digits
// and their sign.
func FormatParzen(mean, stdErr, sigma float64, nSamples int) string {
	return fmt.Sprintf("%s ± %s nats (σ = %s, %d samples)", FormatNumber(mean), FormatNumber(stdErr),
		FormatNumber(sigma), nSamples)
}

// DiffTable lists the settings whose values differ between two presets (or
// runs), one row per key in sorted order, with "—" for a missing key. Equal
// keys are left out; the note says how many.
func DiffTable(caption, nameA, nameB string, a, b map[string]string) Table {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	t := Table{Caption: caption, Header: []string{"setting", nameA, nameB}}
	same := 0
	for _, k := range sorted {
		va, okA := a[k]
		vb, okB := b[k]
		if okA && okB && va == vb {
			same++
			continue
		}
		if !okA {
			va = "—"
		}
		if !okB {
			vb = "—"
		}
		t.Rows = append(t.Rows, []string{k, va, vb})
	}
	t.Note = fmt.Sprintf("%d settings differ, %d are equal", len(t.Rows), same)
	return t
}

// Table is an HTML table: a header, rows of cells, an optional highlighted row
// and a caption plus a protocol note (e.g. ParzenProtocol). Cells that look
// like numbers ("225.0 ± 2.0", "-3.7", "1e-3", "+Inf") are right-aligned.
type Table struct {
	Caption string
	Header  []string
	Rows    [][]string
	// Highlight names the rows to highlight (bold, tinted) by their first
	// cell, e.g. "Adversarial nets"; "" highlights nothing.
	Highlight string
	// Note is printed under the table, e.g. the evaluation protocol.
	Note string
}

// HTML returns the table as an HTML fragment (escaped, no scripts or styles
// outside the element, so it survives a saved notebook).
func (t Table) HTML() string {
	var b strings.Builder
	b.WriteString(`<table style="border-collapse:collapse;font:13px sans-serif">` + "\n")
	if t.Caption != "" {
		fmt.Fprintf(&b, `<caption style="caption-side:top;text-align:left;font-weight:bold">%s</caption>`+"\n",
			html.EscapeString(t.Caption))
	}
	if len(t.Header) > 0 {
		b.WriteString("<thead><tr>")
		for _, h := range t.Header {
			fmt.Fprintf(&b, `<th style="border-bottom:1px solid #888;padding:2px 8px">%s</th>`,
				html.EscapeString(h))
		}
		b.WriteString("</tr></thead>\n")
	}
	b.WriteString("<tbody>\n")
	for _, row := range t.Rows {
		if t.Highlight != "" && len(row) > 0 && row[0] == t.Highlight {
			b.WriteString(`<tr style="background:#fff3b0;font-weight:bold">`)
		} else {
			b.WriteString("<tr>")
		}
		for _, cell := range row {
			align := "left"
			if looksNumeric(cell) {
				align = "right"
			}
			fmt.Fprintf(&b, `<td style="padding:2px 8px;text-align:%s">%s</td>`, align,
				html.EscapeString(cell))
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
	if t.Note != "" {
		fmt.Fprintf(&b, `<div style="font:12px sans-serif;color:#555">%s</div>`+"\n",
			html.EscapeString(t.Note))
	}
	return b.String()
}

// looksNumeric reports whether a cell starts like a number: an optional sign
// then a digit or '.', or is NaN/±Inf.
func looksNumeric(s string) bool {
	s = strings.TrimSpace(s)
	switch s {
	case "NaN", "Inf", "+Inf", "-Inf":
		return true
	}
	s = strings.TrimLeft(s, "+-−")
	return s != "" && (s[0] >= '0' && s[0] <= '9' || s[0] == '.')
}

// DisplayTable shows t.HTML() in the notebook (or writes it under
// DisplayDir()).
func DisplayTable(t Table) Shown { return DisplayHTML("table", t.HTML()) }

// InterruptedHTML is the notice shown when training stopped on an interrupt:
// the last completed step and where the checkpoint is, so re-running the cell
// resumes from it.
func InterruptedHTML(step int, checkpointDir string) string {
	where := "no checkpoint directory was set, so progress is lost"
	if checkpointDir != "" {
		where = fmt.Sprintf("checkpoint written to <code>%s</code>; re-run the cell to resume",
			html.EscapeString(checkpointDir))
	}
	return fmt.Sprintf(`<div style="border-left:4px solid #bf8700;padding:4px 8px;font:13px sans-serif">`+
		`<b>Training interrupted</b> after step %d: %s.</div>`, step, where)
}

// ShowInterrupted displays InterruptedHTML(step, checkpointDir).
func ShowInterrupted(step int, checkpointDir string) Shown {
	return DisplayHTML("interrupted", InterruptedHTML(step, checkpointDir))
}

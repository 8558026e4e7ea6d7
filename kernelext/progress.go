package kernelext

import (
	"fmt"
	"html"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
)

// ProgressLine formats one progress line: label, done/total, percentage,
// rate per second and estimated time left ("parzen 250/1000 (25.0%) 50.0/s,
// 15s left"). total <= 0 means unknown (no percentage or time left).
func ProgressLine(label string, done, total int, elapsed time.Duration) string {
	var b strings.Builder
	if label != "" {
		b.WriteString(label + " ")
	}
	if total > 0 {
		fmt.Fprintf(&b, "%d/%d (%.1f%%)", done, total, 100*float64(done)/float64(total))
	} else {
		fmt.Fprintf(&b, "%d", done)
	}
	secs := elapsed.Seconds()
	if secs > 0 && done > 0 {
		rate := float64(done) / secs
		fmt.Fprintf(&b, " %.1f/s", rate)
		if total > 0 && done < total {
			left := time.Duration(float64(total-done) / rate * float64(time.Second))
			fmt.Fprintf(&b, ", %s left", left.Round(time.Second))
		}
	}
	fmt.Fprintf(&b, ", %s elapsed", elapsed.Round(time.Second))
	return b.String()
}

// progressBar renders a 30-character ASCII bar for the terminal.
func progressBar(done, total int) string {
	const width = 30
	if total <= 0 {
		return ""
	}
	n := min(width, max(0, done*width/total))
	return "[" + strings.Repeat("=", n) + strings.Repeat(" ", width-n) + "] "
}

// Progress reports the progress of long work (Parzen evaluation, sampling,
// training without a LiveView): in a notebook a line of HTML updated in place,
// in a terminal a bar on stderr redrawn with '\r'. Updates are throttled to
// one every Interval. Safe for concurrent use.
type Progress struct {
	mu       sync.Mutex
	label    string
	total    int
	done     int
	start    time.Time
	last     time.Time
	id       string
	out      io.Writer // terminal output; nil in a notebook
	now      func() time.Time
	finished bool

	// Interval is the minimum time between redraws (default 250ms).
	Interval time.Duration
}

// NewProgress starts a progress report for total units of work (<= 0 if
// unknown), labelled label.
func NewProgress(total int, label string) *Progress {
	p := &Progress{label: label, total: total, now: time.Now, Interval: 250 * time.Millisecond}
	if InNotebook() {
		p.id = "kernelext_progress_" + gonbui.UniqueId()
	} else {
		p.out = os.Stderr
	}
	p.start = p.now()
	return p
}

// Update records that done units are finished and redraws if Interval has
// passed since the last redraw.
func (p *Progress) Update(done int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return
	}
	p.done = done
	now := p.now()
	if now.Sub(p.last) < p.Interval && done < p.total {
		return
	}
	p.last = now
	p.drawLocked(false)
}

// Done draws the final line (done = total if total is known and was not
// reached) and ends the report; later calls do nothing. In a notebook the
// final line stays in the output.
func (p *Progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return
	}
	p.finished = true
	p.drawLocked(true)
}

// String returns the current progress line.
func (p *Progress) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return ProgressLine(p.label, p.done, p.total, p.now().Sub(p.start))
}

func (p *Progress) drawLocked(final bool) {
	line := ProgressLine(p.label, p.done, p.total, p.now().Sub(p.start))
	if p.id != "" {
		gonbui.UpdateHTML(p.id, `<span style="font:13px monospace">`+html.EscapeString(line)+"</span>")
		gonbui.Sync()
		return
	}
	if p.out != nil {
		end := ""
		if final {
			end = "\n"
		}
		// \033[K clears the rest of a longer previous line
		fmt.Fprintf(p.out, "\r%s%s\033[K%s", progressBar(p.done, p.total), line, end)
	}
}

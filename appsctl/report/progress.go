package report

import (
	"fmt"
	"io"
	"strconv"
)

// Progress tracks a group of uploads (e.g. a deploy's static assets) and
// shows how far they are: on a terminal a single line redrawn whenever the
// whole percentage changes, otherwise one line per finished file. Progress
// is safe for concurrent use.
type Progress struct {
	p          *Printer
	label      string
	totalFiles int
	totalBytes int64
	doneFiles  int
	doneBytes  int64
	shownPct   int
}

// Progress starts tracking files uploads of totalBytes bytes in all.
func (p *Printer) Progress(label string, files int, totalBytes int64) *Progress {
	return &Progress{p: p, label: label, totalFiles: files, totalBytes: totalBytes, shownPct: -1}
}

// Reader wraps r so that the bytes read from it count as uploaded.
func (g *Progress) Reader(r io.Reader) io.Reader {
	return &countingReader{r: r, g: g}
}

// FileDone records that a file finished uploading (err == nil) or failed.
func (g *Progress) FileDone(name string, size int64, err error) {
	if g.p == nil {
		return
	}
	g.p.mu.Lock()
	if err == nil {
		g.doneFiles++
	}
	terminal := g.p.opts.Terminal
	g.p.mu.Unlock()
	switch {
	case err != nil:
		// The caller reports the error.
	case terminal:
		g.redraw(true)
	default:
		g.p.Infof("  uploaded %s (%s)", name, FormatBytes(size))
	}
}

// Finish ends the progress display.
func (g *Progress) Finish() {
	if g.p == nil {
		return
	}
	g.p.mu.Lock()
	defer g.p.mu.Unlock()
	g.p.endPartial()
}

func (g *Progress) add(n int) {
	if g.p == nil || n <= 0 {
		return
	}
	g.p.mu.Lock()
	g.doneBytes += int64(n)
	g.p.mu.Unlock()
	g.redraw(false)
}

// redraw rewrites the progress line on a terminal when the percentage
// changed (or always with force).
func (g *Progress) redraw(force bool) {
	p := g.p
	if p.opts.Quiet || !p.opts.Terminal {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	pct := 100
	if g.totalBytes > 0 {
		pct = int(min(g.doneBytes, g.totalBytes) * 100 / g.totalBytes)
	}
	if pct == g.shownPct && !force {
		return
	}
	g.shownPct = pct
	line := fmt.Sprintf("\r  %s: %d/%d files, %s/%s (%d%%)", g.label, g.doneFiles, g.totalFiles,
		FormatBytes(min(g.doneBytes, g.totalBytes)), FormatBytes(g.totalBytes), pct)
	_, _ = io.WriteString(p.out, line+"\x1b[K")
	p.partial = true
}

type countingReader struct {
	r io.Reader
	g *Progress
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.g.add(n)
	return n, err
}

// FormatBytes renders a byte count as "512 B", "1.5 KiB", "2 MiB".
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	value, suffix := float64(n)/unit, "KiB"
	for _, s := range []string{"MiB", "GiB"} {
		if value < unit {
			break
		}
		value, suffix = value/unit, s
	}
	return strconv.FormatFloat(value, 'f', 1, 64) + " " + suffix
}

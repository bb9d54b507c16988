// Package report writes what appsctl does: result lines on stdout, warnings
// and debug output on stderr, and upload progress (redrawn in place on a
// terminal, one line per finished upload otherwise). Everything except
// Secret goes through a redaction function so that credentials never reach
// the output.
//
// A nil *Printer is valid and prints nothing, so library callers that do not
// want output can pass nil.
package report

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// Options configure a Printer.
type Options struct {
	// Verbose enables Debugf output (on stderr).
	Verbose bool
	// Quiet suppresses everything but warnings, errors and Secret.
	Quiet bool
	// Terminal draws progress in place; otherwise progress is printed as
	// plain lines.
	Terminal bool
	// Redact masks secrets in every line; nil means no masking.
	Redact func(string) string
}

// Printer writes appsctl's output. It is safe for concurrent use.
type Printer struct {
	mu      sync.Mutex
	out     io.Writer
	errOut  io.Writer
	opts    Options
	partial bool // a progress line without newline is on out
}

// New returns a Printer writing results to out and diagnostics to errOut.
func New(out, errOut io.Writer, opts Options) *Printer {
	if opts.Redact == nil {
		opts.Redact = func(s string) string { return s }
	}
	return &Printer{out: out, errOut: errOut, opts: opts}
}

// IsTerminal reports whether f is a character device (a terminal), without
// depending on a terminal library.
func IsTerminal(f *os.File) bool {
	info, err := f.Stat()
	if err != nil {
		return false
	}
	return info.Mode()&os.ModeCharDevice != 0
}

// Infof prints a result line on stdout (not with Quiet).
func (p *Printer) Infof(format string, args ...any) {
	if p == nil || p.opts.Quiet {
		return
	}
	p.line(p.out, fmt.Sprintf(format, args...))
}

// Warnf prints a warning on stderr, also with Quiet.
func (p *Printer) Warnf(format string, args ...any) {
	if p == nil {
		return
	}
	p.line(p.errOut, "Warning: "+fmt.Sprintf(format, args...))
}

// Debugf prints a debug line on stderr with Verbose.
func (p *Printer) Debugf(format string, args ...any) {
	if p == nil || !p.opts.Verbose {
		return
	}
	p.line(p.errOut, "debug: "+fmt.Sprintf(format, args...))
}

// Verbose reports whether debug output is on.
func (p *Printer) Verbose() bool { return p != nil && p.opts.Verbose }

// Secret prints a line on stdout without redaction, also with Quiet. It is
// only for output the user asked for, such as a new access key.
func (p *Printer) Secret(line string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.endPartial()
	_, _ = io.WriteString(p.out, line+"\n")
}

// Redact masks secrets in s.
func (p *Printer) Redact(s string) string {
	if p == nil {
		return s
	}
	return p.opts.Redact(s)
}

func (p *Printer) line(w io.Writer, s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.endPartial()
	_, _ = io.WriteString(w, p.opts.Redact(strings.TrimRight(s, "\n"))+"\n")
}

// endPartial finishes an in-place progress line so the next line starts on
// its own. The caller holds mu.
func (p *Printer) endPartial() {
	if p.partial {
		_, _ = io.WriteString(p.out, "\n")
		p.partial = false
	}
}

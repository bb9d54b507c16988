package report

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func redactSecret(s string) string { return strings.ReplaceAll(s, "s3cret", "****") }

func TestPrinterLevels(t *testing.T) {
	tests := []struct {
		name             string
		opts             Options
		wantOut, wantErr string
	}{
		{name: "default", opts: Options{},
			wantOut: "info ****\nkey s3cret\n", wantErr: "Warning: warn ****\n"},
		{name: "verbose", opts: Options{Verbose: true},
			wantOut: "info ****\nkey s3cret\n", wantErr: "Warning: warn ****\ndebug: debug ****\n"},
		{name: "quiet keeps warnings and secrets", opts: Options{Quiet: true},
			wantOut: "key s3cret\n", wantErr: "Warning: warn ****\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			tt.opts.Redact = redactSecret
			p := New(&out, &errOut, tt.opts)
			p.Infof("info %s", "s3cret")
			p.Warnf("warn %s", "s3cret")
			p.Debugf("debug %s", "s3cret")
			p.Secret("key s3cret")
			assert.Equal(t, tt.wantOut, out.String())
			assert.Equal(t, tt.wantErr, errOut.String())
		})
	}
}

func TestNilPrinterPrintsNothing(t *testing.T) {
	var p *Printer
	p.Infof("x")
	p.Warnf("x")
	p.Debugf("x")
	p.Secret("x")
	g := p.Progress("x", 1, 10)
	_, _ = g.Reader(strings.NewReader("0123456789")).Read(make([]byte, 10))
	g.FileDone("x", 10, nil)
	g.Finish()
	assert.False(t, p.Verbose())
	assert.Equal(t, "a", p.Redact("a"))
}

func read(t *testing.T, g *Progress, data string) {
	t.Helper()
	buf := make([]byte, 4)
	r := g.Reader(strings.NewReader(data))
	for {
		if _, err := r.Read(buf); err != nil {
			return
		}
	}
}

func TestProgressPlainLines(t *testing.T) {
	var out bytes.Buffer
	p := New(&out, &out, Options{})
	g := p.Progress("static assets", 2, 20)
	read(t, g, "0123456789")
	g.FileDone("a.png", 10, nil)
	read(t, g, "0123456789")
	g.FileDone("b.png", 10, errors.New("boom"))
	g.Finish()
	p.Infof("after")
	assert.Equal(t, "  uploaded a.png (10 B)\nafter\n", out.String(), "one line per finished file, none for failures")
}

func TestProgressTerminal(t *testing.T) {
	var out bytes.Buffer
	p := New(&out, &out, Options{Terminal: true})
	g := p.Progress("static assets", 1, 8)
	read(t, g, "01234567")
	g.FileDone("a.png", 8, nil)
	p.Infof("after")
	s := out.String()
	assert.Contains(t, s, "\r  static assets: 0/1 files, 4 B/8 B (50%)")
	assert.Contains(t, s, "\r  static assets: 1/1 files, 8 B/8 B (100%)")
	assert.True(t, strings.HasSuffix(s, "\nafter\n"), "the next line starts on its own line: %q", s)
	assert.Equal(t, 1, strings.Count(s, "(50%)"), "redrawn only when the percentage changes")
}

func TestFormatBytes(t *testing.T) {
	tests := map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 1536: "1.5 KiB", 50 << 20: "50.0 MiB", 3 << 30: "3.0 GiB"}
	for n, want := range tests {
		assert.Equal(t, want, FormatBytes(n))
	}
}

//go:build bench

// Package bench measures the hot paths named in the issues against a
// baseline measured in the same run, on real servers on loopback. Run it
// with `make bench`; it prints a table and never fails on timing.
package bench

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// row is one line of the report.
type row struct {
	what, value, baseline, target, verdict string
}

type report struct{ rows []row }

func (r *report) add(what, value, baseline, target string, ok bool) {
	verdict := "ok"
	if !ok {
		verdict = "MISSED"
	}
	if target == "" {
		verdict = "-"
	}
	r.rows = append(r.rows, row{what, value, baseline, target, verdict})
}

func (r *report) print(w io.Writer) {
	widths := []int{len("measure"), len("value"), len("baseline"), len("target"), len("verdict")}
	for _, x := range r.rows {
		for i, s := range []string{x.what, x.value, x.baseline, x.target, x.verdict} {
			widths[i] = max(widths[i], len([]rune(s)))
		}
	}
	line := func(cells ...string) {
		var b strings.Builder
		for i, c := range cells {
			b.WriteString(c + strings.Repeat(" ", widths[i]-len([]rune(c))+2))
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	line("measure", "value", "baseline", "target", "verdict")
	for _, x := range r.rows {
		line(x.what, x.value, x.baseline, x.target, x.verdict)
	}
}

// percentile of sorted durations (p in [0,100]).
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p / 100)
	return sorted[i]
}

func sortDurations(d []time.Duration) []time.Duration {
	out := append([]time.Duration(nil), d...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d)/float64(time.Millisecond)) }

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

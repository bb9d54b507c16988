package callstats

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Prometheus metric names.
const (
	MetricCalls    = "lambda_apps_calls_total"
	MetricDuration = "lambda_apps_call_duration_seconds"
	MetricStarted  = "lambda_apps_stats_start_time_seconds"
)

// PrometheusContentType is the content type of WritePrometheus's output
// (the Prometheus text exposition format 0.0.4).
const PrometheusContentType = "text/plain; version=0.0.4; charset=utf-8"

// promBuckets are the histogram's exposed buckets: every bucketsPerDoubling-th
// bound (1 ms, 2 ms, 4 ms ... 65.536 s), so each "le" is exact.
var promBuckets = func() []int {
	var out []int
	for i := 0; i < numBounds; i += bucketsPerDoubling {
		out = append(out, i)
	}
	return out
}()

// WritePrometheus writes the counts since start of every app and path in the
// Prometheus text format: calls per outcome (counter) and the latency
// histogram. Counts are this node's.
func (s *Stats) WritePrometheus(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# HELP %s When this node started counting app calls (Unix time).\n# TYPE %s gauge\n%s %s\n",
		MetricStarted, MetricStarted, MetricStarted, strconv.FormatFloat(float64(s.started.UnixMilli())/1e3, 'f', 3, 64))

	type appSnap struct {
		id    string
		paths []pathSnapshot
	}
	var all []appSnap
	for _, id := range s.appIDs() {
		if snaps := s.snapshot(id); len(snaps) > 0 {
			all = append(all, appSnap{string(id), snaps})
		}
	}

	fmt.Fprintf(bw, "# HELP %s Calls to apps by app, call path and outcome class, since this node started counting.\n# TYPE %s counter\n", MetricCalls, MetricCalls)
	for _, a := range all {
		for _, p := range a.paths {
			for i, n := range p.total.outcomes {
				if n > 0 {
					fmt.Fprintf(bw, "%s{app_id=\"%s\",path=\"%s\",outcome=\"%s\"} %d\n", MetricCalls, escapeLabel(a.id), escapeLabel(p.path), escapeLabel(outcomes[i]), n)
				}
			}
		}
	}

	fmt.Fprintf(bw, "# HELP %s Duration of calls to apps by app and call path, since this node started counting.\n# TYPE %s histogram\n", MetricDuration, MetricDuration)
	for _, a := range all {
		for _, p := range a.paths {
			labels := fmt.Sprintf("app_id=\"%s\",path=\"%s\"", escapeLabel(a.id), escapeLabel(p.path))
			var cum uint64
			next := 0
			for _, b := range promBuckets {
				for ; next <= b; next++ {
					cum += p.total.buckets[next]
				}
				fmt.Fprintf(bw, "%s_bucket{%s,le=\"%s\"} %d\n", MetricDuration, labels, formatFloat(bounds[b].Seconds()), cum)
			}
			fmt.Fprintf(bw, "%s_bucket{%s,le=\"+Inf\"} %d\n", MetricDuration, labels, p.total.count)
			fmt.Fprintf(bw, "%s_sum{%s} %s\n", MetricDuration, labels, formatFloat(p.total.sum.Seconds()))
			fmt.Fprintf(bw, "%s_count{%s} %d\n", MetricDuration, labels, p.total.count)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write the metrics: %w", err)
	}
	return nil
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

// escapeLabel escapes a label value as the text format requires: backslash,
// double quote and line feed.
func escapeLabel(v string) string { return labelEscaper.Replace(v) }

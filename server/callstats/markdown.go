package callstats

import (
	"fmt"
	"strings"
	"time"

	"github.com/lambda-apps/lambda-apps/server/appcall"
)

// Markdown renders an app's counts for `/apps info <app_id>`: totals, errors
// by class and latency quantiles for the last hour and since start, then one
// row per path.
func (a AppStats) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "#### Calls to %s\n\n", a.AppID)
	fmt.Fprintf(&b, "Counted on this server node since %s (each node of a cluster counts the calls it makes). "+
		"Latencies are within 19 %%.\n\n", a.Since.UTC().Format(time.RFC3339))
	if a.SinceStart.Calls == 0 {
		b.WriteString("No calls yet.\n")
		return b.String()
	}
	b.WriteString("| | Last hour | Since start |\n|:--|--:|--:|\n")
	fmt.Fprintf(&b, "| Calls | %d | %d |\n", a.LastHour.Calls, a.SinceStart.Calls)
	fmt.Fprintf(&b, "| Errors | %d | %d |\n", a.LastHour.Errors, a.SinceStart.Errors)
	for _, o := range outcomes {
		if o == appcall.OutcomeOK || a.SinceStart.Outcomes[o] == 0 {
			continue
		}
		fmt.Fprintf(&b, "| Errors: `%s` | %d | %d |\n", o, a.LastHour.Outcomes[o], a.SinceStart.Outcomes[o])
	}
	fmt.Fprintf(&b, "| p50 | %s | %s |\n", latency(a.LastHour, a.LastHour.P50Ms), latency(a.SinceStart, a.SinceStart.P50Ms))
	fmt.Fprintf(&b, "| p99 | %s | %s |\n", latency(a.LastHour, a.LastHour.P99Ms), latency(a.SinceStart, a.SinceStart.P99Ms))

	b.WriteString("\n| Path | Calls (1 h) | Errors (1 h) | p50 / p99 (1 h) | Calls | Errors | p50 / p99 |\n|:--|--:|--:|--:|--:|--:|--:|\n")
	for _, p := range a.Paths {
		h, t := p.LastHour, p.SinceStart
		fmt.Fprintf(&b, "| %s | %d | %d | %s / %s | %d | %d | %s / %s |\n", cell("`"+strings.ReplaceAll(p.Path, "`", "'")+"`"),
			h.Calls, h.Errors, latency(h, h.P50Ms), latency(h, h.P99Ms),
			t.Calls, t.Errors, latency(t, t.P50Ms), latency(t, t.P99Ms))
	}
	return b.String()
}

// latency formats a quantile in milliseconds; "–" without calls.
func latency(s Summary, ms float64) string {
	switch {
	case s.Calls == 0:
		return "–"
	case ms < 10:
		return fmt.Sprintf("%.2f ms", ms)
	case ms < 1000:
		return fmt.Sprintf("%.0f ms", ms)
	}
	return fmt.Sprintf("%.2f s", ms/1000)
}

// cell escapes v for a markdown table cell (paths are app-defined).
func cell(v string) string {
	v = strings.ReplaceAll(v, "|", `\|`)
	return strings.ReplaceAll(v, "\n", " ")
}

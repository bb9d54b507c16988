package callstats

import (
	"time"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/appcall"
)

// Summary is what is shown of a series of calls.
type Summary struct {
	Calls uint64 `json:"calls"`
	// Errors are the calls whose outcome is not "ok".
	Errors uint64 `json:"errors"`
	// Outcomes counts the calls per outcome class (only classes seen).
	Outcomes map[string]uint64 `json:"outcomes,omitempty"`
	// P50Ms and P99Ms are latency quantiles in milliseconds (see the
	// histogram's precision); 0 without calls.
	P50Ms float64 `json:"p50_ms"`
	P99Ms float64 `json:"p99_ms"`
}

// PathStats are the counts of one call path (or OtherPath).
type PathStats struct {
	Path       string  `json:"path"`
	LastHour   Summary `json:"last_hour"`
	SinceStart Summary `json:"since_start"`
}

// AppStats are the counts of one app on this node.
type AppStats struct {
	AppID string `json:"app_id"`
	// Since is when this node started counting.
	Since      time.Time   `json:"since"`
	LastHour   Summary     `json:"last_hour"`
	SinceStart Summary     `json:"since_start"`
	Paths      []PathStats `json:"paths"`
}

func summarize(s *series) Summary {
	out := Summary{Calls: s.count, Errors: s.count - s.outcomes[indexOfOutcome(appcall.OutcomeOK)]}
	for i, n := range s.outcomes {
		if n == 0 {
			continue
		}
		if out.Outcomes == nil {
			out.Outcomes = map[string]uint64{}
		}
		out.Outcomes[outcomes[i]] = n
	}
	out.P50Ms = ms(s.quantile(0.5))
	out.P99Ms = ms(s.quantile(0.99))
	return out
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// App returns the counts of an app; ok is false when it made no call on
// this node since the plugin started (or since it was reinstalled).
func (s *Stats) App(appID apps.AppID) (AppStats, bool) {
	snaps := s.snapshot(appID)
	if snaps == nil {
		return AppStats{AppID: string(appID), Since: s.started, Paths: []PathStats{}}, false
	}
	out := AppStats{AppID: string(appID), Since: s.started, Paths: make([]PathStats, 0, len(snaps))}
	var total, hour series
	for i := range snaps {
		total.merge(&snaps[i].total)
		hour.merge(&snaps[i].lastHour)
		out.Paths = append(out.Paths, PathStats{
			Path: snaps[i].path, LastHour: summarize(&snaps[i].lastHour), SinceStart: summarize(&snaps[i].total),
		})
	}
	out.LastHour, out.SinceStart = summarize(&hour), summarize(&total)
	return out, true
}

// All returns the counts of every app that made calls, sorted by app ID.
func (s *Stats) All() []AppStats {
	out := []AppStats{}
	for _, id := range s.appIDs() {
		if a, ok := s.App(id); ok {
			out = append(out, a)
		}
	}
	return out
}

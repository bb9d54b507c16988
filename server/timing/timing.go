// Package timing measures the steps of one request in the plugin and
// reports them in a Server-Timing header (shown by browsers' developer
// tools and read by `make bench-e2e`), so that the time a user waits can be
// split into the plugin's steps and what happens outside the plugin (the
// server, the bridge to the plugin).
//
// A request's handler calls Start; the packages it uses call Mark at the
// end of each step, which does nothing when the request is not measured.
// Nothing here is sent anywhere but to the user who made the request, and
// it holds durations only.
package timing

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"
)

// HeaderName is the response header the steps are reported in.
const HeaderName = "Server-Timing"

// maxSteps bounds the steps one request keeps.
const maxSteps = 16

type key struct{}

// Steps are the measured steps of one request.
type Steps struct {
	mu    sync.Mutex
	start time.Time
	last  time.Time
	steps []step
}

type step struct {
	name string
	took time.Duration
}

// Start begins measuring a request: the steps marked under the returned
// context are kept in the returned Steps.
func Start(ctx context.Context) (context.Context, *Steps) {
	now := time.Now()
	s := &Steps{start: now, last: now}
	return context.WithValue(ctx, key{}, s), s
}

// Mark ends a step named name (a token: letters, digits, '_' or '-'),
// which began at the previous mark or at Start. Without Start it does
// nothing. Steps of parallel work (a request calling several apps) are not
// marked: their sum would be meaningless.
func Mark(ctx context.Context, name string) {
	s, _ := ctx.Value(key{}).(*Steps)
	if s == nil {
		return
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.steps) < maxSteps {
		s.steps = append(s.steps, step{name, now.Sub(s.last)})
	}
	s.last = now
}

// Without returns ctx with its steps no longer marked: for work that runs
// in parallel under a measured request (one call per app), whose marks
// would interleave.
func Without(ctx context.Context) context.Context {
	if s, _ := ctx.Value(key{}).(*Steps); s == nil {
		return ctx
	}
	return context.WithValue(ctx, key{}, (*Steps)(nil))
}

// Header is the Server-Timing value: each step's duration in milliseconds,
// then "plugin", the time since Start.
func (s *Steps) Header() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for _, st := range s.steps {
		writeStep(&b, st.name, st.took)
		b.WriteString(", ")
	}
	writeStep(&b, "plugin", time.Since(s.start))
	return b.String()
}

func writeStep(b *strings.Builder, name string, d time.Duration) {
	b.WriteString(name)
	b.WriteString(";dur=")
	b.WriteString(strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 3, 64))
}

// Parse reads a Server-Timing value written by Header into durations by
// step name (benchmarks); entries it cannot read are skipped.
func Parse(v string) map[string]time.Duration {
	out := map[string]time.Duration{}
	for _, entry := range strings.Split(v, ",") {
		name, params, ok := strings.Cut(strings.TrimSpace(entry), ";")
		if !ok {
			continue
		}
		for _, p := range strings.Split(params, ";") {
			if ms, found := strings.CutPrefix(strings.TrimSpace(p), "dur="); found {
				if f, err := strconv.ParseFloat(ms, 64); err == nil {
					out[name] = time.Duration(f * float64(time.Millisecond))
				}
			}
		}
	}
	return out
}

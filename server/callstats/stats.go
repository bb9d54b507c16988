// Package callstats counts the calls the plugin makes to apps, per app and
// per call path: calls, errors by outcome class and latency quantiles, over
// the last hour and since the plugin started on this node.
//
// Recording is on every call's path: it takes a read lock to find the app
// and the path, and a lock of that one path to count; nothing slow happens
// under any lock. Memory is bounded: at most MaxPaths distinct paths per app
// (later ones are counted under OtherPath), a fixed histogram per path, and
// an app's counts are dropped when it is uninstalled (Forget, Retain).
//
// Counts are kept per node: in a cluster each node reports the calls it
// made.
package callstats

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/lambda-apps/lambda-apps/apps"
)

// Defaults of Options.
const (
	DefaultMaxPaths = 64
	// SlotWidth and Slots make up the "last hour": 12 rotating slots of 5
	// minutes. The current slot is partly filled, so "last hour" covers
	// between 55 and 60 minutes.
	SlotWidth = 5 * time.Minute
	Slots     = 12
)

// OtherPath counts the calls of an app's paths beyond its first MaxPaths
// (paths are app-defined). Call paths start with "/", so it never collides
// with one.
const OtherPath = "other"

// Options configure Stats.
type Options struct {
	// MaxPaths caps the distinct paths counted per app (DefaultMaxPaths
	// when 0).
	MaxPaths int
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Stats counts calls. The zero value is not usable: use New.
type Stats struct {
	maxPaths int
	now      func() time.Time
	started  time.Time

	mu   sync.RWMutex
	apps map[apps.AppID]*appStats
}

type appStats struct {
	mu    sync.RWMutex
	paths map[string]*pathStats
}

// pathStats are one path's counts since start and in the rotating slots of
// the last hour; slot i holds the calls of the SlotWidth period epochs[i].
type pathStats struct {
	mu     sync.Mutex
	total  series
	window [Slots]series
	epochs [Slots]int64
}

// New returns empty Stats, started now.
func New(o Options) *Stats {
	s := &Stats{maxPaths: o.MaxPaths, now: o.Now, apps: map[apps.AppID]*appStats{}}
	if s.maxPaths <= 0 {
		s.maxPaths = DefaultMaxPaths
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.started = s.now()
	return s
}

// Started is when counting began (the plugin's activation on this node).
func (s *Stats) Started() time.Time { return s.started }

// Record counts one call of appID at path that ended with outcome (one of
// the appcall.Outcome* classes) after took. Safe for concurrent use.
func (s *Stats) Record(appID apps.AppID, path, outcome string, took time.Duration) {
	now := s.now()
	p := s.app(appID).path(path, s.maxPaths)
	b, o := bucketOf(took), indexOfOutcome(outcome)
	epoch := now.UnixNano() / int64(SlotWidth)
	i := int(epoch % Slots)
	p.mu.Lock()
	if p.epochs[i] != epoch {
		p.window[i] = series{}
		p.epochs[i] = epoch
	}
	p.window[i].add(b, o, took)
	p.total.add(b, o, took)
	p.mu.Unlock()
}

func (s *Stats) app(id apps.AppID) *appStats {
	s.mu.RLock()
	a := s.apps[id]
	s.mu.RUnlock()
	if a != nil {
		return a
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if a = s.apps[id]; a == nil {
		a = &appStats{paths: map[string]*pathStats{}}
		s.apps[id] = a
	}
	return a
}

func (a *appStats) path(path string, maxPaths int) *pathStats {
	a.mu.RLock()
	p := a.paths[path]
	a.mu.RUnlock()
	if p != nil {
		return p
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if p = a.paths[path]; p != nil {
		return p
	}
	if _, hasOther := a.paths[OtherPath]; len(a.paths) >= maxPaths+boolInt(hasOther) {
		path = OtherPath
		if p = a.paths[path]; p != nil {
			return p
		}
	}
	p = &pathStats{}
	a.paths[path] = p
	return p
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Forget drops the counts of an app (it was uninstalled).
func (s *Stats) Forget(appID apps.AppID) {
	s.mu.Lock()
	delete(s.apps, appID)
	s.mu.Unlock()
}

// Retain drops the counts of every app for which keep is false (apps
// another node uninstalled).
func (s *Stats) Retain(keep func(apps.AppID) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id := range s.apps {
		if !keep(id) {
			delete(s.apps, id)
		}
	}
}

// pathSnapshot is a copy of one path's counts: since start and merged over
// the last hour.
type pathSnapshot struct {
	path            string
	total, lastHour series
}

// snapshot copies an app's counts, sorted by path; nil if the app has none.
func (s *Stats) snapshot(id apps.AppID) []pathSnapshot {
	s.mu.RLock()
	a := s.apps[id]
	s.mu.RUnlock()
	if a == nil {
		return nil
	}
	a.mu.RLock()
	paths := make(map[string]*pathStats, len(a.paths))
	for k, v := range a.paths {
		paths[k] = v
	}
	a.mu.RUnlock()

	current := s.now().UnixNano() / int64(SlotWidth)
	out := make([]pathSnapshot, 0, len(paths))
	for path, p := range paths {
		snap := pathSnapshot{path: path}
		p.mu.Lock()
		snap.total = p.total
		for i := range p.window {
			if e := p.epochs[i]; e > current-Slots && e <= current {
				snap.lastHour.merge(&p.window[i])
			}
		}
		p.mu.Unlock()
		out = append(out, snap)
	}
	slices.SortFunc(out, func(a, b pathSnapshot) int { return cmp.Compare(a.path, b.path) })
	return out
}

// appIDs lists the apps with counts, sorted.
func (s *Stats) appIDs() []apps.AppID {
	s.mu.RLock()
	ids := make([]apps.AppID, 0, len(s.apps))
	for id := range s.apps {
		ids = append(ids, id)
	}
	s.mu.RUnlock()
	slices.Sort(ids)
	return ids
}

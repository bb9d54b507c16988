// Package catalog keeps the catalog of listed apps: every manifest found in
// the bucket's manifests/ folder, grouped by app ID, the highest version of
// each being the one "listed". It syncs from S3, caches in the plugin KV
// store (so a restart serves the catalog without S3) and reloads when
// another cluster node synced.
package catalog

import (
	"sort"
	"time"

	"github.com/lambda-apps/lambda-apps/apps"
)

// Entry is one valid manifest object.
type Entry struct {
	Key      string
	ETag     string
	Manifest *apps.Manifest
	raw      []byte
}

// App is every listed version of one app.
type App struct {
	ID apps.AppID
	// Versions in ascending version order.
	Versions []*Entry
}

// Listed is the highest version: the one offered for installation.
func (a *App) Listed() *Entry { return a.Versions[len(a.Versions)-1] }

// Version returns the entry of one version.
func (a *App) Version(v apps.AppVersion) (*Entry, bool) {
	for _, e := range a.Versions {
		if e.Manifest.Version == v {
			return e, true
		}
	}
	return nil, false
}

// Skipped is a manifest object that was left out, with the reason.
type Skipped struct {
	Key    string `json:"key"`
	ETag   string `json:"etag,omitempty"`
	Reason string `json:"reason"`
}

// Snapshot is an immutable catalog.
type Snapshot struct {
	apps     map[apps.AppID]*App
	entries  map[string]*Entry // by key
	skipped  []Skipped
	syncedAt time.Time
}

func newSnapshot(entries []*Entry, skipped []Skipped, syncedAt time.Time) *Snapshot {
	s := &Snapshot{
		apps:     map[apps.AppID]*App{},
		entries:  make(map[string]*Entry, len(entries)),
		skipped:  skipped,
		syncedAt: syncedAt,
	}
	for _, e := range entries {
		s.entries[e.Key] = e
		a := s.apps[e.Manifest.AppID]
		if a == nil {
			a = &App{ID: e.Manifest.AppID}
			s.apps[e.Manifest.AppID] = a
		}
		a.Versions = append(a.Versions, e)
	}
	for _, a := range s.apps {
		sort.Slice(a.Versions, func(i, j int) bool {
			return apps.CompareVersions(string(a.Versions[i].Manifest.Version), string(a.Versions[j].Manifest.Version)) < 0
		})
	}
	sort.Slice(s.skipped, func(i, j int) bool { return s.skipped[i].Key < s.skipped[j].Key })
	return s
}

// Empty is a catalog with nothing in it.
func Empty() *Snapshot { return newSnapshot(nil, nil, time.Time{}) }

// Get returns one app.
func (s *Snapshot) Get(id apps.AppID) (*App, bool) {
	a, ok := s.apps[id]
	return a, ok
}

// Apps returns every app, sorted by ID.
func (s *Snapshot) Apps() []*App {
	out := make([]*App, 0, len(s.apps))
	for _, a := range s.apps {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Len is the number of apps.
func (s *Snapshot) Len() int { return len(s.apps) }

// NumManifests is the number of valid manifests (all versions).
func (s *Snapshot) NumManifests() int { return len(s.entries) }

// Skipped lists the manifest objects that were left out.
func (s *Snapshot) Skipped() []Skipped { return s.skipped }

// SyncedAt is when the catalog was last read from S3 (zero: never).
func (s *Snapshot) SyncedAt() time.Time { return s.syncedAt }

package catalog

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/mattermost/mattermost/server/public/pluginapi"

	"github.com/lambda-apps/lambda-apps/aws/s3store"
)

// DefaultConcurrency bounds parallel manifest downloads.
const DefaultConcurrency = 16

// Source is where manifests come from (the apps bucket).
type Source interface {
	List(ctx context.Context, prefix string) ([]s3store.Object, error)
	ReadSmall(ctx context.Context, key string, limit int64) ([]byte, string, error)
}

// KV is the part of the plugin KV store the catalog uses.
type KV interface {
	Get(key string, o any) error
	Set(key string, value any, options ...pluginapi.KVSetOption) (bool, error)
}

// Locker serialises syncs across cluster nodes.
type Locker interface {
	LockWithContext(ctx context.Context) error
	Unlock()
}

// Logger is the structured logger.
type Logger interface {
	Info(message string, keyValuePairs ...any)
	Warn(message string, keyValuePairs ...any)
	Error(message string, keyValuePairs ...any)
}

// Sources gives the source of the current configuration: S3 with the
// invoke key, or an error (wrapping ErrNoSource) when there is none.
type Sources interface {
	Source() (Source, error)
}

// Options configure a Service.
type Options struct {
	KV      KV
	Lock    Locker
	Log     Logger
	Sources Sources // for Refresh
	// Cached, when set, is dropped after every sync: what was derived
	// from the apps (their bindings) may differ after a redeploy, even of
	// the same version (appsctl aws deploy --update asks for a refresh).
	Cached interface{ Invalidate() }
	Notify func() // tells the other cluster nodes to reload; may be nil
	// Concurrency of manifest downloads (default DefaultConcurrency).
	Concurrency int
	Now         func() time.Time
}

// Service holds the current catalog.
type Service struct {
	opts Options

	mu        sync.RWMutex
	snap      *Snapshot
	fromCache bool
	lastErr   error
	lastTry   time.Time
}

// Status summarises the catalog for /apps info and the System Console.
type Status struct {
	Apps      int       `json:"catalog_size"`
	Manifests int       `json:"catalog_manifests"`
	Skipped   int       `json:"catalog_skipped"`
	LastSync  time.Time `json:"last_sync"`
	LastTry   time.Time `json:"last_sync_attempt"`
	LastError string    `json:"last_error,omitempty"`
	// FromCache is true while the catalog comes from the KV cache and has
	// not been read from S3 by this node since activation.
	FromCache bool `json:"from_cache"`
}

// New returns a Service with an empty catalog.
func New(o Options) *Service {
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{opts: o, snap: Empty()}
}

// Snapshot returns the current catalog. It is never nil.
func (s *Service) Snapshot() *Snapshot {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.snap
}

// Status returns the catalog status.
func (s *Service) Status() Status {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := Status{
		Apps: s.snap.Len(), Manifests: s.snap.NumManifests(), Skipped: len(s.snap.skipped),
		LastSync: s.snap.syncedAt, LastTry: s.lastTry, FromCache: s.fromCache,
	}
	if s.lastErr != nil {
		st.LastError = s.lastErr.Error()
	}
	return st
}

// LoadCache replaces the catalog with the one cached in the KV store. A
// missing cache is not an error.
func (s *Service) LoadCache() error {
	snap, err := s.readCache()
	if err != nil {
		return err
	}
	if snap == nil {
		return nil
	}
	s.mu.Lock()
	s.snap, s.fromCache = snap, true
	s.mu.Unlock()
	return nil
}

func (s *Service) readCache() (*Snapshot, error) {
	var data []byte
	if err := s.opts.KV.Get(CacheKey, &data); err != nil {
		return nil, fmt.Errorf("read the catalog cache from the KV store: %w", err)
	}
	if len(data) == 0 {
		return nil, nil
	}
	return decode(data)
}

// SetError records a sync problem found before Sync could run (for example
// missing credentials), so that it shows in the status.
func (s *Service) SetError(err error) {
	s.mu.Lock()
	s.lastErr, s.lastTry = err, s.opts.Now()
	s.mu.Unlock()
}

// Result says what a sync did.
type Result struct {
	Listed    int  `json:"listed"`         // objects under manifests/
	Fetched   int  `json:"fetched"`        // objects downloaded (new or changed)
	Reused    int  `json:"reused"`         // objects unchanged since the last sync
	Skipped   int  `json:"skipped"`        // objects left out (invalid, mismatched key, unreadable)
	Apps      int  `json:"apps"`           // apps in the catalog after the sync
	Changed   bool `json:"changed"`        // anything differs from before
	FetchErrs int  `json:"fetch_failures"` // downloads that failed; the previous copy was kept when there was one
}

// Sync reads the bucket and replaces the catalog. It holds the cluster lock
// so that one node syncs at a time, downloads only objects whose ETag
// changed, keeps serving the old catalog when S3 fails, stores the result
// in the KV store and notifies the other nodes.
func (s *Service) Sync(ctx context.Context, src Source) (Result, error) {
	if err := s.opts.Lock.LockWithContext(ctx); err != nil {
		return Result{}, fmt.Errorf("wait for the catalog sync lock: %w", err)
	}
	defer s.opts.Lock.Unlock()

	prev := s.Snapshot()
	if cached, err := s.readCache(); err != nil {
		s.opts.Log.Warn("Ignoring the cached catalog", "error", err.Error())
	} else if cached != nil && cached.syncedAt.After(prev.syncedAt) {
		prev = cached // another node synced more recently
	}

	res, snap, err := s.sync(ctx, src, prev)
	s.mu.Lock()
	s.lastTry = s.opts.Now()
	s.lastErr = err
	if err == nil {
		s.snap, s.fromCache = snap, false
		if res.FetchErrs > 0 {
			s.lastErr = fmt.Errorf("%d manifests could not be downloaded; see the server log", res.FetchErrs)
		}
	}
	s.mu.Unlock()
	if err != nil {
		return res, err
	}

	data, err := encode(snap)
	if err != nil {
		return res, err
	}
	if _, err := s.opts.KV.Set(CacheKey, data); err != nil {
		return res, fmt.Errorf("store the catalog in the KV store: %w", err)
	}
	if s.opts.Cached != nil {
		s.opts.Cached.Invalidate()
	}
	if s.opts.Notify != nil {
		s.opts.Notify()
	}
	return res, nil
}

// ErrNoSource is returned by callers that cannot build a Source (no
// credentials); it is exported so that they can wrap it.
var ErrNoSource = errors.New("the catalog cannot be read from S3")

// Refresh syncs the catalog now from the current source, logs the outcome
// and records a failure in the status (the previous catalog is served).
func (s *Service) Refresh(ctx context.Context) (Result, error) {
	src, err := s.opts.Sources.Source()
	if err != nil {
		s.SetError(err)
		return Result{}, err
	}
	res, err := s.Sync(ctx, src)
	if err != nil {
		s.opts.Log.Warn("Catalog sync failed; serving the previous catalog", "error", err.Error())
		return res, err
	}
	s.opts.Log.Info("Catalog synced", "apps", res.Apps, "listed", res.Listed, "fetched", res.Fetched, "reused", res.Reused, "skipped", res.Skipped)
	return res, nil
}

// String says what a sync did, for the admin who asked for it.
func (r Result) String() string {
	return fmt.Sprintf("Catalog refreshed: %d apps (%d manifests listed, %d downloaded, %d unchanged, %d skipped).",
		r.Apps, r.Listed, r.Fetched, r.Reused, r.Skipped)
}

// RefreshSummary is Refresh for an admin who asked for it: what it did, as
// a sentence.
func (s *Service) RefreshSummary(ctx context.Context) (string, error) {
	res, err := s.Refresh(ctx)
	if err != nil {
		return "", err
	}
	return res.String(), nil
}

// SetCached sets what is dropped after every sync (Options.Cached), for
// services built after the catalog.
func (s *Service) SetCached(c interface{ Invalidate() }) { s.opts.Cached = c }

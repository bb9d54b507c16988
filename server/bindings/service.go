package bindings

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/appcall"
	"github.com/lambda-apps/lambda-apps/server/store"
	"github.com/lambda-apps/lambda-apps/server/timing"
)

// Defaults.
const (
	DefaultTTL        = 15 * time.Second
	DefaultAppTimeout = 10 * time.Second
	maxCacheEntries   = 10000
	// maxUserEntries bounds one user's cached answers (apps x channels x
	// user agents), so that no user can crowd out everyone else's.
	maxUserEntries = 256
)

// userAgents are the user agents bindings are cached for; a client that
// names another is served as "webapp" (the client cannot choose cache keys).
var userAgents = map[string]bool{"webapp": true, "mobile": true, "command": true}

// Clients tells users' clients to fetch their bindings again.
type Clients interface {
	// RefreshBindings notifies userID's clients ("" notifies everyone).
	RefreshBindings(userID string)
}

// Logger is the structured logger.
type Logger interface {
	Warn(message string, keyValuePairs ...any)
	Debug(message string, keyValuePairs ...any)
}

// Caller calls apps (appcall.Service): UserCall for a user's bindings, with
// every check a user's call gets; BackgroundCall for the plugin's own.
type Caller interface {
	UserCall(ctx context.Context, userID string, creq *apps.CallRequest) (*apps.CallResponse, error)
	VerifyContext(ctx context.Context, userID string, c *apps.Context) (context.Context, error)
	Prefetch(ctx context.Context, userID string) context.Context
	BackgroundCall(ctx context.Context, app *store.InstalledApp, creq *apps.CallRequest, actingUserID string) (*apps.CallResponse, error)
}

// Deps are the services a Service uses.
type Deps struct {
	Apps    *store.Apps
	Calls   Caller
	SiteURL func() string
	Log     Logger
	// Clients, when set, is told when bindings change.
	Clients Clients
	TTL     time.Duration
	// AppTimeout bounds one app's bindings call.
	AppTimeout time.Duration
	Now        func() time.Time
}

// Service fetches and caches bindings.
type Service struct {
	Deps
	mu    sync.Mutex
	cache map[string]cacheEntry
}

type cacheEntry struct {
	userID   string
	bindings []apps.Binding
	expires  time.Time
}

// Where is the context bindings are asked for.
type Where struct {
	UserID, ChannelID, TeamID string
	UserAgent                 string
	// Background marks the plugin's own request (the commands it registers
	// for an app, as the admin who installed it): no user started it.
	Background bool
}

// New returns a Service.
func New(d Deps) *Service {
	if d.TTL == 0 {
		d.TTL = DefaultTTL
	}
	if d.AppTimeout == 0 {
		d.AppTimeout = DefaultAppTimeout
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{Deps: d, cache: map[string]cacheEntry{}}
}

// Invalidate drops every cached answer (an app was installed, changed or
// asked for a refresh).
func (s *Service) Invalidate() {
	s.mu.Lock()
	s.cache = map[string]cacheEntry{}
	s.mu.Unlock()
}

// Refresh drops the cached bindings and tells userID's clients ("" for
// everyone's) to fetch them again.
func (s *Service) Refresh(userID string) {
	s.Invalidate()
	if s.Clients != nil {
		s.Clients.RefreshBindings(userID)
	}
}

// ForUser returns the merged bindings of every enabled app for a user in a
// channel: one top-level binding per location, apps' bindings below it.
// An app that fails is left out (and logged); it never fails the others.
// A context the user may not use (a channel they cannot read) fails the
// whole request, before any app is called.
func (s *Service) ForUser(ctx context.Context, w Where) ([]apps.Binding, error) {
	if !userAgents[w.UserAgent] {
		w.UserAgent = "webapp"
	}
	var enabled []*store.InstalledApp
	uncached := false
	for _, a := range s.Apps.List() {
		if a.Enabled() && len(a.GrantedLocations) > 0 && a.Manifest.SupportsAWSLambda() {
			enabled = append(enabled, a)
			uncached = uncached || !s.cached(a, w)
		}
	}
	if uncached { // apps will be called: read the user meanwhile
		ctx = s.Calls.Prefetch(ctx, w.UserID)
	}
	ctx, err := s.Calls.VerifyContext(ctx, w.UserID, &apps.Context{ChannelID: w.ChannelID, TeamID: w.TeamID})
	if err != nil {
		return nil, err
	}
	timing.Mark(ctx, "verify")
	defer timing.Mark(ctx, "apps")
	calls := timing.Without(ctx) // in parallel: their steps are not the request's
	results := make([][]apps.Binding, len(enabled))
	var wg sync.WaitGroup
	for i, a := range enabled {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, problems, err := s.ForApp(calls, a, w)
			if err != nil {
				s.Log.Debug("Left out an app's bindings (the call is logged by appcall)", "app_id", string(a.ID()), "error", err.Error())
				return
			}
			for _, p := range problems {
				s.Log.Debug("Dropped an app binding", "app_id", string(p.AppID), "location", string(p.Location), "reason", p.Reason)
			}
			results[i] = b
		}()
	}
	wg.Wait()
	return Merge(results...), nil
}

// ForApp returns one app's cleaned bindings for a user in a channel. The
// answer is cached for TTL per app, user, channel, team and user agent, so
// that repeated commands or channel switches do not call the app each
// time; problems are reported only when the app was called.
func (s *Service) ForApp(ctx context.Context, app *store.InstalledApp, w Where) ([]apps.Binding, []Problem, error) {
	key := cacheKey(app, w)
	now := s.Now()
	s.mu.Lock()
	e, ok := s.cache[key]
	s.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.bindings, nil, nil
	}
	out, problems, err := s.fetch(ctx, app, w)
	if err != nil {
		return nil, nil, err
	}
	s.mu.Lock()
	s.boundUser(w.UserID, now)
	if len(s.cache) >= maxCacheEntries {
		for k, e := range s.cache {
			if !now.Before(e.expires) {
				delete(s.cache, k)
			}
		}
		if len(s.cache) >= maxCacheEntries {
			s.cache = map[string]cacheEntry{}
		}
	}
	s.cache[key] = cacheEntry{userID: w.UserID, bindings: out, expires: now.Add(s.TTL)}
	s.mu.Unlock()
	return out, problems, nil
}

func cacheKey(app *store.InstalledApp, w Where) string {
	return fmt.Sprintf("%s|%s|%s|%s|%s|%t", app.ID(), w.UserID, w.ChannelID, w.TeamID, w.UserAgent, w.Background)
}

// cached reports whether app's answer for w is cached (and not expired).
func (s *Service) cached(app *store.InstalledApp, w Where) bool {
	key, now := cacheKey(app, w), s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.cache[key]
	return ok && now.Before(e.expires)
}

// fetch calls one app's bindings call and cleans the answer.
func (s *Service) fetch(ctx context.Context, app *store.InstalledApp, w Where) ([]apps.Binding, []Problem, error) {
	ctx, cancel := context.WithTimeout(ctx, s.AppTimeout)
	defer cancel()
	creq := &apps.CallRequest{
		Call: app.Manifest.BindingsCall(),
		Context: apps.Context{
			AppID: app.ID(), ChannelID: w.ChannelID, TeamID: w.TeamID, UserID: w.UserID, UserAgent: w.UserAgent,
		},
	}
	var resp *apps.CallResponse
	var err error
	if w.Background {
		resp, err = s.Calls.BackgroundCall(ctx, app, creq, w.UserID)
	} else {
		resp, err = s.Calls.UserCall(ctx, w.UserID, creq)
	}
	if err != nil {
		return nil, nil, err
	}
	if err := resp.AsError(); err != nil {
		return nil, nil, fmt.Errorf("the app answered its bindings call with an error: %w", err)
	}
	var raw []apps.Binding
	if err := resp.DecodeData(&raw); err != nil {
		return nil, nil, fmt.Errorf("the app's bindings are not a list of bindings: %w", err)
	}
	base := s.SiteURL() + appcall.PluginPath + "/api/v1/apps/" + string(app.ID()) + "/static/"
	out, problems := Clean(app.ID(), app.GrantedLocations, base, raw)
	return out, problems, nil
}

// Merge combines several apps' top-level bindings: one binding per
// location (sorted), with the apps' bindings in app ID order.
func Merge(perApp ...[]apps.Binding) []apps.Binding {
	byLoc := map[apps.Location][]apps.Binding{}
	for _, list := range perApp {
		for _, top := range list {
			byLoc[top.Location] = append(byLoc[top.Location], top.Bindings...)
		}
	}
	out := make([]apps.Binding, 0, len(byLoc))
	for loc, subs := range byLoc {
		sort.SliceStable(subs, func(i, j int) bool { return subs[i].AppID < subs[j].AppID })
		out = append(out, apps.Binding{Location: loc, Bindings: subs})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Location < out[j].Location })
	return out
}

// boundUser makes room for one more answer of userID: past maxUserEntries
// the user's expired answers go, then all of theirs. s.mu is held.
func (s *Service) boundUser(userID string, now time.Time) {
	var mine []string
	for k, e := range s.cache {
		if e.userID == userID {
			mine = append(mine, k)
		}
	}
	if len(mine) < maxUserEntries {
		return
	}
	kept := 0
	for _, k := range mine {
		if !now.Before(s.cache[k].expires) {
			delete(s.cache, k)
		} else {
			kept++
		}
	}
	if kept >= maxUserEntries {
		for _, k := range mine {
			delete(s.cache, k)
		}
	}
}

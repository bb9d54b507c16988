// Package subscriptions lets apps subscribe to Mattermost events (the Apps
// framework v1.2 subjects: users created, joining and leaving channels and
// teams, channels created) and calls them when the events happen.
//
// A subscription is kept in the KV store under the app's data prefix, one
// key per app, event and subscribing user (store.SubscriptionKey), so that
// subscribing again replaces it and uninstalling the app discards it. The
// keys alone say who watches what: each node keeps an index of them in
// memory, built from one key listing on first use and dropped whenever a
// subscription or an app changes (on every node, through a cluster event),
// so the server's hooks find out without any KV read whether anyone is
// interested in an event.
//
// Delivery is asynchronous and bounded (deliver.go): hooks only put the
// event on a queue; a few workers make the calls. A slow app cannot stall
// the server's hooks; when the queue is full, events are dropped, counted
// and logged.
package subscriptions

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/pluginapi"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/appservices"
	"github.com/lambda-apps/lambda-apps/server/failure"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// KV is the part of the plugin KV store the service uses.
type KV interface {
	Get(key string, o any) error
	Set(key string, value any, options ...pluginapi.KVSetOption) (bool, error)
	Delete(key string) error
	store.Lister
}

// Permissions checks users' permissions (the plugin API).
type Permissions interface {
	HasPermissionTo(userID string, permission *model.Permission) bool
	HasPermissionToTeam(userID, teamID string, permission *model.Permission) bool
	HasPermissionToChannel(userID, channelID string, permission *model.Permission) bool
}

// Logger is the structured logger.
type Logger interface {
	Debug(message string, keyValuePairs ...any)
	Warn(message string, keyValuePairs ...any)
	Error(message string, keyValuePairs ...any)
}

// Deps are what the service needs.
type Deps struct {
	KV          KV
	Permissions Permissions
	Apps        Apps
	Calls       Calls
	Channels    Channels
	Log         Logger
	// Changed, when set, tells the other cluster nodes that subscriptions
	// changed (they call Invalidate).
	Changed func()
	// Workers and QueueSize bound delivery (defaults 4 and 1024).
	Workers, QueueSize int
}

// Service keeps subscriptions and delivers events.
type Service struct {
	d Deps

	mu  sync.RWMutex
	idx map[string][]entry // subject + "/" + scope → subscribers; nil: not loaded

	queue   chan happening
	stop    chan struct{}
	wg      sync.WaitGroup
	dropped atomic.Int64
	lastLog atomic.Int64 // unix seconds of the last "dropped" warning
}

// entry is one subscription, as its key says.
type entry struct {
	app   apps.AppID
	owner string
	key   string
}

// record is what is stored for a subscription.
type record struct {
	apps.Subscription
}

// New returns a Service; Start starts delivery.
func New(d Deps) *Service {
	if d.Workers <= 0 {
		d.Workers = 4
	}
	if d.QueueSize <= 0 {
		d.QueueSize = 1024
	}
	return &Service{d: d, queue: make(chan happening, d.QueueSize)}
}

// Errors apps see.
var errNotSubscribed = failure.New(failure.NotFound, "not subscribed: there is no such subscription of this app for this user")

// Subscribe stores sub for the caller (the app and the user of its token),
// replacing the caller's earlier subscription to the same event. The user
// must be allowed to see what the subscription watches.
func (s *Service) Subscribe(c *appservices.Caller, sub apps.Subscription) error {
	if err := sub.Validate(); err != nil {
		return failure.New(failure.BadRequest, err.Error())
	}
	if err := s.mayWatch(c.App, c.UserID, sub.Event); err != nil {
		return err
	}
	key := store.SubscriptionKey(c.App.ID(), sub.Event, c.UserID)
	if _, err := s.d.KV.Set(key, record{sub}); err != nil {
		return s.kvError("subscribe", c, err)
	}
	s.d.Log.Debug("App subscribed", "app_id", string(c.App.ID()), "user_id", c.UserID, "subject", string(sub.Subject), "scope", sub.Scope())
	s.update(func(idx map[string][]entry) {
		k := eventKey(sub.Subject, sub.Scope())
		idx[k] = append(without(idx[k], key), entry{app: c.App.ID(), owner: c.UserID, key: key})
	})
	return nil
}

// Unsubscribe removes the caller's subscription to e.
func (s *Service) Unsubscribe(c *appservices.Caller, e apps.Event) error {
	if err := e.Validate(); err != nil {
		return failure.New(failure.BadRequest, err.Error())
	}
	key := store.SubscriptionKey(c.App.ID(), e, c.UserID)
	var rec *record
	if err := s.d.KV.Get(key, &rec); err != nil {
		return s.kvError("unsubscribe", c, err)
	}
	if rec == nil {
		return errNotSubscribed
	}
	if err := s.d.KV.Delete(key); err != nil {
		return s.kvError("unsubscribe", c, err)
	}
	s.update(func(idx map[string][]entry) {
		k := eventKey(e.Subject, e.Scope())
		idx[k] = without(idx[k], key)
	})
	return nil
}

// List returns the caller's subscriptions.
func (s *Service) List(c *appservices.Caller) ([]apps.Subscription, error) {
	keys, err := store.KeysWithPrefix(s.d.KV, store.SubscriptionPrefix(c.App.ID()))
	if err != nil {
		return nil, s.kvError("list subscriptions", c, err)
	}
	out := []apps.Subscription{}
	for _, k := range keys {
		p, ok := store.ParseSubscriptionKey(k)
		if !ok || p.OwnerID != c.UserID {
			continue
		}
		var rec *record
		if err := s.d.KV.Get(k, &rec); err != nil {
			return nil, s.kvError("list subscriptions", c, err)
		}
		if rec != nil {
			out = append(out, rec.Subscription)
		}
	}
	return out, nil
}

// Invalidate drops the index: another node changed subscriptions, or an
// app was installed, changed or uninstalled.
func (s *Service) Invalidate() {
	s.mu.Lock()
	s.idx = nil
	s.mu.Unlock()
}

// mayWatch applies v1.2's rules: the subscriber must be able to see what
// the subscription watches.
func (s *Service) mayWatch(app *store.InstalledApp, userID string, e apps.Event) error {
	deny := func(what string) error {
		return failure.New(failure.Forbidden, fmt.Sprintf("the user of this token may not subscribe to %s: %s", e.Subject, what))
	}
	p := s.d.Permissions
	switch e.Subject {
	case apps.SubjectUserCreated:
		if !p.HasPermissionTo(userID, model.PermissionViewMembers) {
			return deny("it needs the view_members permission")
		}
	case apps.SubjectUserJoinedChannel, apps.SubjectUserLeftChannel:
		if e.ChannelID != "" && !p.HasPermissionToChannel(userID, e.ChannelID, model.PermissionReadChannel) {
			return deny("it cannot read the channel")
		}
	case apps.SubjectUserJoinedTeam, apps.SubjectUserLeftTeam:
		if e.TeamID != "" && !p.HasPermissionToTeam(userID, e.TeamID, model.PermissionViewTeam) {
			return deny("it cannot view the team")
		}
	case apps.SubjectChannelCreated:
		if !p.HasPermissionToTeam(userID, e.TeamID, model.PermissionListTeamChannels) {
			return deny("it cannot list the team's channels")
		}
	case apps.SubjectBotJoinedChannel, apps.SubjectBotLeftChannel, apps.SubjectBotJoinedTeam, apps.SubjectBotLeftTeam:
		if app.BotUserID == "" || userID != app.BotUserID {
			return deny("only the app's bot may (use the bot_access_token)")
		}
	}
	return nil
}

// update applies change to the index if it is loaded, and tells the other
// nodes.
func (s *Service) update(change func(map[string][]entry)) {
	s.mu.Lock()
	if s.idx != nil {
		change(s.idx)
	}
	s.mu.Unlock()
	if s.d.Changed != nil {
		s.d.Changed()
	}
}

// index returns the loaded index, loading it when needed.
func (s *Service) index() (map[string][]entry, error) {
	s.mu.RLock()
	idx := s.idx
	s.mu.RUnlock()
	if idx != nil {
		return idx, nil
	}
	keys, err := store.KeysWithPrefix(s.d.KV, store.AppDataPrefix)
	if err != nil {
		return nil, fmt.Errorf("list the subscriptions: %w", err)
	}
	idx = map[string][]entry{}
	for _, k := range keys {
		if p, ok := store.ParseSubscriptionKey(k); ok {
			ek := eventKey(p.Subject, p.Scope)
			idx[ek] = append(idx[ek], entry{app: p.AppID, owner: p.OwnerID, key: k})
		}
	}
	s.mu.Lock()
	if s.idx == nil {
		s.idx = idx
	}
	idx = s.idx
	s.mu.Unlock()
	return idx, nil
}

// lookup returns a copy of the subscribers of an event.
func (s *Service) lookup(subject apps.Subject, scope string) ([]entry, error) {
	idx, err := s.index()
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]entry(nil), idx[eventKey(subject, scope)]...), nil
}

func (s *Service) kvError(op string, c *appservices.Caller, err error) error {
	s.d.Log.Error("Subscriptions: KV store failure", "op", op, "app_id", string(c.App.ID()), "user_id", c.UserID, "error", err.Error())
	return failure.Hide(failure.Internal, "the KV store failed", err)
}

func eventKey(subject apps.Subject, scope string) string { return string(subject) + "/" + scope }

func without(list []entry, key string) []entry {
	out := list[:0:0]
	for _, e := range list {
		if e.key != key {
			out = append(out, e)
		}
	}
	return out
}

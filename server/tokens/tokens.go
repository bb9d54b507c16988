// Package tokens issues the access tokens that apps get in their call
// context (bot_access_token, acting_user_access_token) and makes sure they
// end: every token is a Mattermost session recorded per app in the KV store,
// revoked when its lifetime is over, and revoked at once when the app is
// disabled, uninstalled or upgraded.
//
// Expiry alone is not enough: Mattermost extends a session's ExpiresAt on
// activity (ServiceSettings.ExtendSessionLengthWithActivity, on by default)
// to the full web session length, so a 15-minute token that an app used once
// would live for weeks. The issuer therefore revokes each session itself, on
// a timer on the node that issued it and, as a backstop for restarts and
// other nodes, by a periodic Sweep of the recorded sessions.
package tokens

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/mattermost/mattermost/server/public/pluginapi"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// DefaultLifetime is how long a token lives unless configured otherwise.
const DefaultLifetime = 15 * time.Minute

// SessionAPI creates and revokes Mattermost sessions.
type SessionAPI interface {
	// CreateSession creates a session for userID on behalf of appID that
	// expires at expiresAt, and returns its ID and token.
	CreateSession(userID string, appID apps.AppID, expiresAt time.Time) (id, token string, err error)
	RevokeSession(sessionID string) error
}

// KV is the part of the plugin KV store the issuer uses.
type KV interface {
	Get(key string, o any) error
	Set(key string, value any, options ...pluginapi.KVSetOption) (bool, error)
	Delete(key string) error
	ListKeys(page, count int, options ...pluginapi.ListKeysOption) ([]string, error)
}

// Logger is the structured logger.
type Logger interface {
	Warn(message string, keyValuePairs ...any)
	Debug(message string, keyValuePairs ...any)
}

// record is what the KV store keeps of an issued session (never its token).
type record struct {
	UserID    string `json:"user_id"`
	ExpiresAt int64  `json:"expires_at"` // Unix milliseconds
}

type cached struct {
	sessionID, token string
	expires          time.Time
}

// Issuer issues and ends app tokens.
type Issuer struct {
	API SessionAPI
	KV  KV
	Log Logger
	// Lifetime returns the configured token lifetime (DefaultLifetime when
	// nil or not positive).
	Lifetime func() time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time

	mu     sync.Mutex
	cache  map[string]cached      // app|user -> token to reuse
	timers map[string]*time.Timer // session ID -> revocation
}

func cacheKey(appID apps.AppID, userID string) string { return string(appID) + "|" + userID }

func recordKey(appID apps.AppID, sessionID string) string {
	return store.AppTokenPrefix + string(appID) + "/" + sessionID
}

// Token returns a token for userID on behalf of appID: a recent one while it
// has at least a third of its lifetime left, else a new session.
func (i *Issuer) Token(appID apps.AppID, userID string) (string, error) {
	lifetime := i.lifetime()
	now := i.now()
	key := cacheKey(appID, userID)
	i.mu.Lock()
	c, ok := i.cache[key]
	i.mu.Unlock()
	if ok && c.expires.Sub(now) > lifetime/3 {
		return c.token, nil
	}
	expires := now.Add(lifetime)
	id, tok, err := i.API.CreateSession(userID, appID, expires)
	if err != nil {
		return "", fmt.Errorf("create a session: %w", err)
	}
	// Recorded before use: a session that cannot be recorded could not be
	// revoked by another node, so it is not handed out.
	if _, err := i.KV.Set(recordKey(appID, id), record{UserID: userID, ExpiresAt: expires.UnixMilli()}); err != nil {
		_ = i.API.RevokeSession(id)
		return "", fmt.Errorf("record the session: %w", err)
	}
	i.mu.Lock()
	if i.cache == nil {
		i.cache, i.timers = map[string]cached{}, map[string]*time.Timer{}
	}
	i.cache[key] = cached{sessionID: id, token: tok, expires: expires}
	i.timers[id] = time.AfterFunc(expires.Sub(now), func() { i.revoke(appID, id) })
	i.mu.Unlock()
	return tok, nil
}

// revoke ends one session and forgets it.
func (i *Issuer) revoke(appID apps.AppID, sessionID string) {
	if err := i.API.RevokeSession(sessionID); err != nil && !errors.Is(err, pluginapi.ErrNotFound) {
		i.Log.Warn("Could not revoke an app's access token; will try again", "app_id", string(appID), "session_id", sessionID, "error", err.Error())
		return // the record stays: the next Sweep tries again
	}
	if err := i.KV.Delete(recordKey(appID, sessionID)); err != nil {
		i.Log.Warn("Could not delete the record of a revoked app token", "app_id", string(appID), "session_id", sessionID, "error", err.Error())
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if t, ok := i.timers[sessionID]; ok {
		t.Stop()
		delete(i.timers, sessionID)
	}
	for k, c := range i.cache {
		if c.sessionID == sessionID {
			delete(i.cache, k)
		}
	}
}

// IssuedTo returns the user of the session sessionID if this plugin issued
// it to appID and has not revoked it, else "". It reads the KV record on
// every call (nothing cached), so a token revoked on any node is refused.
func (i *Issuer) IssuedTo(appID apps.AppID, sessionID string) (string, error) {
	if appID == "" || sessionID == "" {
		return "", nil
	}
	var r record
	if err := i.KV.Get(recordKey(appID, sessionID), &r); err != nil {
		return "", fmt.Errorf("read the record of an app token: %w", err)
	}
	return r.UserID, nil
}

// RevokeApp revokes every token issued for appID, on any node (disable,
// uninstall, upgrade). Other nodes must Forget their caches (cluster event).
func (i *Issuer) RevokeApp(appID apps.AppID) error {
	i.ForgetApp(appID)
	ids, err := i.recorded(store.AppTokenPrefix + string(appID) + "/")
	if err != nil {
		return err
	}
	for _, key := range ids {
		i.revoke(appID, strings.TrimPrefix(key, store.AppTokenPrefix+string(appID)+"/"))
	}
	return nil
}

// ForgetApp drops this node's cached tokens of appID, so that none is
// reused after another node revoked them.
func (i *Issuer) ForgetApp(appID apps.AppID) {
	i.mu.Lock()
	defer i.mu.Unlock()
	for k := range i.cache {
		if strings.HasPrefix(k, string(appID)+"|") {
			delete(i.cache, k)
		}
	}
}

// Forget drops this node's cached tokens of every app (another node
// changed apps and may have revoked some).
func (i *Issuer) Forget() {
	i.mu.Lock()
	defer i.mu.Unlock()
	clear(i.cache)
}

// Sweep revokes every recorded token whose lifetime is over, whichever
// node issued it. It runs at activation and periodically.
func (i *Issuer) Sweep() error {
	keys, err := i.recorded(store.AppTokenPrefix)
	if err != nil {
		return err
	}
	now := i.now().UnixMilli()
	for _, key := range keys {
		var r record
		if err := i.KV.Get(key, &r); err != nil {
			i.Log.Warn("Could not read the record of an app token", "key", key, "error", err.Error())
			continue
		}
		if r.ExpiresAt > now {
			continue
		}
		app, session, ok := strings.Cut(strings.TrimPrefix(key, store.AppTokenPrefix), "/")
		if ok {
			i.revoke(apps.AppID(app), session)
		}
	}
	return nil
}

// Stop stops the revocation timers (the records stay for the next Sweep).
func (i *Issuer) Stop() {
	i.mu.Lock()
	defer i.mu.Unlock()
	for id, t := range i.timers {
		t.Stop()
		delete(i.timers, id)
	}
}

func (i *Issuer) recorded(prefix string) ([]string, error) {
	keys, err := store.KeysWithPrefix(i.KV, prefix)
	if err != nil {
		return nil, fmt.Errorf("list the recorded app tokens: %w", err)
	}
	return keys, nil
}

func (i *Issuer) lifetime() time.Duration {
	if i.Lifetime != nil {
		if l := i.Lifetime(); l > 0 {
			return l
		}
	}
	return DefaultLifetime
}

func (i *Issuer) now() time.Time {
	if i.Now != nil {
		return i.Now()
	}
	return time.Now()
}

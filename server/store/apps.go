package store

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/mattermost/mattermost/server/public/pluginapi"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/failure"
)

// maxUpdateAttempts bounds the compare-and-set retries of Update.
const maxUpdateAttempts = 50

// ErrNotFound is returned for an app that is not installed.
var ErrNotFound = failure.New(failure.NotFound, "app is not installed")

// KV is the part of the plugin KV store the store uses.
type KV interface {
	Get(key string, o any) error
	Set(key string, value any, options ...pluginapi.KVSetOption) (bool, error)
	Delete(key string) error
	ListKeys(page, count int, options ...pluginapi.ListKeysOption) ([]string, error)
}

// InstalledApp is the record of one installed app.
type InstalledApp struct {
	Manifest           apps.Manifest     `json:"manifest"`
	Disabled           bool              `json:"disabled,omitempty"`
	BotUserID          string            `json:"bot_user_id,omitempty"`
	BotUsername        string            `json:"bot_username,omitempty"`
	GrantedPermissions []apps.Permission `json:"granted_permissions,omitempty"`
	GrantedLocations   []apps.Location   `json:"granted_locations,omitempty"`
	InstalledBy        string            `json:"installed_by,omitempty"`
	InstalledAt        time.Time         `json:"installed_at"`
	UpdatedAt          time.Time         `json:"updated_at"`
}

// ID is the app's ID.
func (a *InstalledApp) ID() apps.AppID { return a.Manifest.AppID }

// Enabled reports whether the app may be called.
func (a *InstalledApp) Enabled() bool { return !a.Disabled }

// Apps is the installed-apps store with an in-memory copy for the hot path.
// Reload refreshes the copy (after another cluster node changed a record).
type Apps struct {
	kv     KV
	notify func()

	mu    sync.RWMutex
	cache map[apps.AppID]*InstalledApp
}

// NewApps returns a store; notify (may be nil) tells other nodes to Reload.
func NewApps(kv KV, notify func()) *Apps {
	return &Apps{kv: kv, notify: notify, cache: map[apps.AppID]*InstalledApp{}}
}

// Reload reads every record from the KV store.
func (s *Apps) Reload() error {
	all := map[apps.AppID]*InstalledApp{}
	keys, err := KeysWithPrefix(s.kv, installedAppPrefix)
	if err != nil {
		return fmt.Errorf("list installed apps: %w", err)
	}
	for _, k := range keys {
		var a InstalledApp
		if err := s.kv.Get(k, &a); err != nil {
			return fmt.Errorf("read %s: %w", k, err)
		}
		if a.Manifest.AppID != "" {
			all[a.Manifest.AppID] = &a
		}
	}
	s.mu.Lock()
	s.cache = all
	s.mu.Unlock()
	return nil
}

// Get returns an installed app (a copy the caller may keep).
func (s *Apps) Get(id apps.AppID) (*InstalledApp, error) {
	s.mu.RLock()
	a, ok := s.cache[id]
	s.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%s: %w", id, ErrNotFound)
	}
	return a, nil
}

// List returns every installed app, sorted by ID.
func (s *Apps) List() []*InstalledApp {
	s.mu.RLock()
	out := make([]*InstalledApp, 0, len(s.cache))
	for _, a := range s.cache {
		out = append(out, a)
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID() < out[j].ID() })
	return out
}

// Update atomically changes the record of id. fn receives the current
// record (nil when there is none) and returns the new one; returning nil
// deletes the record. fn may run more than once when writers race.
func (s *Apps) Update(id apps.AppID, fn func(cur *InstalledApp) (*InstalledApp, error)) (*InstalledApp, error) {
	if err := id.Validate(); err != nil {
		return nil, err
	}
	key := installedAppPrefix + string(id)
	var result *InstalledApp
	for attempt := 0; ; attempt++ {
		var old []byte
		if err := s.kv.Get(key, &old); err != nil {
			return nil, fmt.Errorf("read installed app %s: %w", id, err)
		}
		var cur *InstalledApp
		if len(old) > 0 {
			cur = &InstalledApp{}
			if err := json.Unmarshal(old, cur); err != nil {
				return nil, fmt.Errorf("installed app record %s is corrupt: %w", key, err)
			}
		}
		next, err := fn(cur)
		if err != nil {
			return nil, err
		}
		var value []byte
		if next != nil {
			if next.Manifest.AppID != id {
				return nil, fmt.Errorf("record for %s has app_id %s", id, next.Manifest.AppID)
			}
			if value, err = json.Marshal(next); err != nil {
				return nil, fmt.Errorf("encode installed app %s: %w", id, err)
			}
		}
		// Compare-and-set: fails (saved == false) when another writer got there first.
		saved, err := s.kv.Set(key, value, pluginapi.SetAtomic(old))
		if err != nil {
			return nil, fmt.Errorf("save installed app %s: %w", id, err)
		}
		if saved {
			result = next
			break
		}
		if attempt >= maxUpdateAttempts {
			return nil, fmt.Errorf("save installed app %s: too many concurrent changes, try again", id)
		}
		time.Sleep(time.Duration(5+rand.IntN(20)) * time.Millisecond)
	}
	s.mu.Lock()
	if result == nil {
		delete(s.cache, id)
	} else {
		s.cache[id] = result
	}
	s.mu.Unlock()
	if s.notify != nil {
		s.notify()
	}
	return result, nil
}

// Put stores a record unconditionally.
func (s *Apps) Put(a *InstalledApp) error {
	_, err := s.Update(a.ID(), func(*InstalledApp) (*InstalledApp, error) { return a, nil })
	return err
}

// Delete removes a record.
func (s *Apps) Delete(id apps.AppID) error {
	_, err := s.Update(id, func(*InstalledApp) (*InstalledApp, error) { return nil, nil })
	return err
}

// DeleteAppData removes every key under the app's data prefix.
func (s *Apps) DeleteAppData(id apps.AppID) error {
	prefix := AppDataPrefix + string(id) + "/"
	for {
		keys, err := s.kv.ListKeys(0, 1000, pluginapi.WithPrefix(prefix))
		if err != nil {
			return fmt.Errorf("list data of %s: %w", id, err)
		}
		if len(keys) == 0 {
			return nil
		}
		for _, k := range keys {
			if err := s.kv.Delete(k); err != nil {
				return fmt.Errorf("delete %s: %w", k, err)
			}
		}
	}
}

// Lister lists KV keys (pluginapi.KVService).
type Lister interface {
	ListKeys(page, count int, options ...pluginapi.ListKeysOption) ([]string, error)
}

// KeysWithPrefix lists every key that starts with prefix, page by page.
func KeysWithPrefix(kv Lister, prefix string) ([]string, error) {
	const page = 1000
	var out []string
	for p := 0; ; p++ {
		keys, err := kv.ListKeys(p, page, pluginapi.WithPrefix(prefix))
		if err != nil {
			return nil, err
		}
		out = append(out, keys...)
		if len(keys) < page {
			return out, nil
		}
	}
}

// Package readcache remembers for a few seconds that a user may read a
// channel, so that the calls a user makes in a channel (a command, its
// bindings, a button, a form) do not each ask the server again: every
// check is a round trip the user waits for.
//
// Only a permission granted is remembered, never a refusal (a user added to
// a channel can use it at once), and what takes it away drops it: the
// plugin forgets a user's channel when they leave it or are removed from
// it, everything of a user who leaves a team or is deactivated, on every
// cluster node (server/plugin). What comes without a hook (an admin
// changing a role or a permission scheme) takes effect within TTL.
package readcache

import (
	"sync"
	"time"
)

// TTL is how long a granted permission is remembered.
const TTL = 10 * time.Second

// maxEntries bounds the memory of a Cache.
const maxEntries = 20000

type key struct{ userID, channelID string }

// Cache remembers which users may read which channels. The zero value is
// not usable: use New.
type Cache struct {
	ttl time.Duration
	now func() time.Time

	mu sync.Mutex
	m  map[key]time.Time // until when
}

// New returns a Cache that remembers for ttl; now is the clock (nil:
// time.Now).
func New(ttl time.Duration, now func() time.Time) *Cache {
	if now == nil {
		now = time.Now
	}
	return &Cache{ttl: ttl, now: now, m: map[key]time.Time{}}
}

// Allowed reports whether userID was found allowed to read channelID less
// than the TTL ago (and nothing took it away since).
func (c *Cache) Allowed(userID, channelID string) bool {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	until, ok := c.m[key{userID, channelID}]
	return ok && now.Before(until)
}

// Remember records that the server allowed userID to read channelID.
func (c *Cache) Remember(userID, channelID string) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxEntries {
		for k, until := range c.m {
			if !now.Before(until) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= maxEntries {
			c.m = map[key]time.Time{}
		}
	}
	c.m[key{userID, channelID}] = now.Add(c.ttl)
}

// Forget drops what is remembered of userID: of channelID only, or of
// every channel when channelID is "".
func (c *Cache) Forget(userID, channelID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if channelID != "" {
		delete(c.m, key{userID, channelID})
		return
	}
	for k := range c.m {
		if k.userID == userID {
			delete(c.m, k)
		}
	}
}

// Clear drops everything.
func (c *Cache) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = map[key]time.Time{}
}

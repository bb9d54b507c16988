package tokens

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/pluginapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// fakeSessions is a Mattermost session table.
type fakeSessions struct {
	mu        sync.Mutex
	next      int
	live      map[string]string // id -> token
	failNext  error
	failRevok error
}

func newFakeSessions() *fakeSessions { return &fakeSessions{live: map[string]string{}} }

func (f *fakeSessions) CreateSession(userID string, appID apps.AppID, _ time.Time) (string, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.failNext; err != nil {
		f.failNext = nil
		return "", "", err
	}
	f.next++
	id := fmt.Sprintf("s%d", f.next)
	f.live[id] = fmt.Sprintf("token-%s-%s-%d", appID, userID, f.next)
	return id, f.live[id], nil
}

func (f *fakeSessions) RevokeSession(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failRevok != nil {
		return f.failRevok
	}
	delete(f.live, id)
	return nil
}

func (f *fakeSessions) valid(token string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.live {
		if t == token {
			return true
		}
	}
	return false
}

type nopLog struct{}

func (nopLog) Warn(string, ...any)  {}
func (nopLog) Debug(string, ...any) {}

func newIssuer(api SessionAPI, kv KV, lifetime time.Duration, now func() time.Time) *Issuer {
	return &Issuer{API: api, KV: kv, Log: nopLog{}, Lifetime: func() time.Duration { return lifetime }, Now: now}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestTokensAreReusedThenRenewed(t *testing.T) {
	api := newFakeSessions()
	now := time.Unix(1_800_000_000, 0)
	i := newIssuer(api, &pluginapi.MemoryStore{}, 15*time.Minute, func() time.Time { return now })
	defer i.Stop()
	a, err := i.Token("hello", "u1")
	require.NoError(t, err)
	b, err := i.Token("hello", "u1")
	require.NoError(t, err)
	assert.Equal(t, a, b, "reused while fresh")
	c, err := i.Token("hello", "u2")
	require.NoError(t, err)
	assert.NotEqual(t, a, c, "one token per user")
	d, err := i.Token("other", "u1")
	require.NoError(t, err)
	assert.NotEqual(t, a, d, "one token per app")

	now = now.Add(11 * time.Minute) // less than a third of the lifetime left
	e, err := i.Token("hello", "u1")
	require.NoError(t, err)
	assert.NotEqual(t, a, e, "renewed near its end")
}

func TestTokensAreRevokedAtTheEndOfTheirLifetime(t *testing.T) {
	api := newFakeSessions()
	kv := &pluginapi.MemoryStore{}
	i := newIssuer(api, kv, 50*time.Millisecond, nil)
	defer i.Stop()
	tok, err := i.Token("hello", "u1")
	require.NoError(t, err)
	require.True(t, api.valid(tok))
	keys, err := kv.ListKeys(0, 100, pluginapi.WithPrefix(store.AppTokenPrefix))
	require.NoError(t, err)
	assert.Len(t, keys, 1, "recorded per app")

	waitFor(t, "the token to be revoked", func() bool { return !api.valid(tok) })
	waitFor(t, "the record to go", func() bool {
		keys, _ := kv.ListKeys(0, 100, pluginapi.WithPrefix(store.AppTokenPrefix))
		return len(keys) == 0
	})
	next, err := i.Token("hello", "u1")
	require.NoError(t, err)
	assert.NotEqual(t, tok, next, "a revoked token is never handed out again")
}

func TestRevokeAppEndsEveryTokenOfTheApp(t *testing.T) {
	api := newFakeSessions()
	kv := &pluginapi.MemoryStore{}
	node1 := newIssuer(api, kv, time.Hour, nil)
	node2 := newIssuer(api, kv, time.Hour, nil) // another cluster node, same KV
	defer node1.Stop()
	defer node2.Stop()
	t1, _ := node1.Token("hello", "u1")
	t2, _ := node2.Token("hello", "u2")
	keep, _ := node1.Token("other", "u1")

	require.NoError(t, node1.RevokeApp("hello"))
	assert.False(t, api.valid(t1))
	assert.False(t, api.valid(t2), "tokens another node issued are revoked too")
	assert.True(t, api.valid(keep), "other apps keep theirs")

	node2.ForgetApp("hello") // what the cluster event does
	again, err := node2.Token("hello", "u2")
	require.NoError(t, err)
	assert.NotEqual(t, t2, again)
	assert.True(t, api.valid(again))
}

func TestSweepRevokesWhatTimersMissed(t *testing.T) {
	api := newFakeSessions()
	kv := &pluginapi.MemoryStore{}
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	crashed := newIssuer(api, kv, time.Minute, clock)
	old, _ := crashed.Token("hello", "u1")
	crashed.Stop() // the node went away before its timer fired
	fresh := newIssuer(api, kv, time.Hour, clock)
	defer fresh.Stop()
	young, _ := fresh.Token("hello", "u2")

	now = now.Add(2 * time.Minute)
	require.NoError(t, fresh.Sweep())
	assert.False(t, api.valid(old))
	assert.True(t, api.valid(young))
}

func TestTokenFailures(t *testing.T) {
	api := newFakeSessions()
	api.failNext = errors.New("database down")
	i := newIssuer(api, &pluginapi.MemoryStore{}, time.Hour, nil)
	defer i.Stop()
	_, err := i.Token("hello", "u1")
	require.ErrorContains(t, err, "database down")

	// A session that cannot be recorded is revoked, not handed out.
	i.KV = failingKV{&pluginapi.MemoryStore{}}
	_, err = i.Token("hello", "u1")
	require.ErrorContains(t, err, "record the session")
	assert.Empty(t, api.live)

	// A revocation that fails keeps the record, for the next sweep.
	kv := &pluginapi.MemoryStore{}
	i.KV = kv
	_, err = i.Token("hello", "u1")
	require.NoError(t, err)
	api.failRevok = errors.New("server busy")
	require.NoError(t, i.RevokeApp("hello"))
	keys, _ := kv.ListKeys(0, 10, pluginapi.WithPrefix(store.AppTokenPrefix))
	assert.Len(t, keys, 1)
	api.failRevok = nil
	require.NoError(t, i.RevokeApp("hello"))
	keys, _ = kv.ListKeys(0, 10, pluginapi.WithPrefix(store.AppTokenPrefix))
	assert.Empty(t, keys)
	assert.Empty(t, api.live)
}

type failingKV struct{ *pluginapi.MemoryStore }

func (failingKV) Set(string, any, ...pluginapi.KVSetOption) (bool, error) {
	return false, errors.New("kv down")
}

package store

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/pluginapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
)

func app(id string) *InstalledApp {
	return &InstalledApp{Manifest: apps.Manifest{AppID: apps.AppID(id), Version: "1.0.0", DisplayName: id}}
}

func TestAppsCRUD(t *testing.T) {
	kv := &pluginapi.MemoryStore{}
	notified := 0
	s := NewApps(kv, func() { notified++ })

	_, err := s.Get("hello")
	require.ErrorIs(t, err, ErrNotFound)

	require.NoError(t, s.Put(app("hello")))
	require.NoError(t, s.Put(app("another")))
	got, err := s.Get("hello")
	require.NoError(t, err)
	assert.Equal(t, "hello", got.Manifest.DisplayName)
	assert.True(t, got.Enabled())
	assert.Equal(t, []apps.AppID{"another", "hello"}, ids(s.List()))
	assert.Equal(t, 2, notified)

	// Another node (a second store over the same KV) sees the records after Reload.
	other := NewApps(kv, nil)
	assert.Empty(t, other.List())
	require.NoError(t, other.Reload())
	assert.Equal(t, []apps.AppID{"another", "hello"}, ids(other.List()))

	_, err = s.Update("hello", func(cur *InstalledApp) (*InstalledApp, error) {
		cur.Disabled = true
		return cur, nil
	})
	require.NoError(t, err)
	got, _ = s.Get("hello")
	assert.False(t, got.Enabled())

	require.NoError(t, s.Delete("hello"))
	_, err = s.Get("hello")
	require.ErrorIs(t, err, ErrNotFound)
	require.NoError(t, other.Reload())
	assert.Equal(t, []apps.AppID{"another"}, ids(other.List()))
}

func TestUpdateErrors(t *testing.T) {
	s := NewApps(&pluginapi.MemoryStore{}, nil)
	mine := errors.New("no such thing")
	_, err := s.Update("hello", func(*InstalledApp) (*InstalledApp, error) { return nil, mine })
	require.ErrorIs(t, err, mine)
	assert.Equal(t, "no such thing", err.Error())

	_, err = s.Update("../x", func(*InstalledApp) (*InstalledApp, error) { return app("x"), nil })
	require.Error(t, err)

	_, err = s.Update("hello", func(*InstalledApp) (*InstalledApp, error) { return app("other"), nil })
	require.ErrorContains(t, err, "has app_id other")
}

func TestConcurrentUpdatesLoseNothing(t *testing.T) {
	kv := &pluginapi.MemoryStore{}
	nodeA, nodeB := NewApps(kv, nil), NewApps(kv, nil)
	require.NoError(t, nodeA.Put(app("counter")))
	const writers, each = 8, 10
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := nodeA
			if w%2 == 1 {
				s = nodeB
			}
			for i := range each {
				_, err := s.Update("counter", func(cur *InstalledApp) (*InstalledApp, error) {
					cur.GrantedLocations = append(cur.GrantedLocations, apps.Location(fmt.Sprintf("/w%d/%d", w, i)))
					return cur, nil
				})
				assert.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	require.NoError(t, nodeA.Reload())
	got, err := nodeA.Get("counter")
	require.NoError(t, err)
	assert.Len(t, got.GrantedLocations, writers*each, "every update is kept")
}

func ids(list []*InstalledApp) []apps.AppID {
	out := []apps.AppID{}
	for _, a := range list {
		out = append(out, a.ID())
	}
	return out
}

func TestWebhookSecret(t *testing.T) {
	kv := &pluginapi.MemoryStore{}
	s := NewApps(kv, nil)
	first, err := s.WebhookSecret("hello")
	require.NoError(t, err)
	assert.Len(t, first, 64)
	again, err := s.WebhookSecret("hello")
	require.NoError(t, err)
	assert.Equal(t, first, again, "the secret is created once")
	other, err := s.WebhookSecret("other")
	require.NoError(t, err)
	assert.NotEqual(t, first, other)

	// Concurrent first uses agree.
	const n = 8
	got := make(chan string, n)
	for range n {
		go func() {
			secret, err := s.WebhookSecret("racer")
			assert.NoError(t, err)
			got <- secret
		}()
	}
	seen := map[string]bool{}
	for range n {
		seen[<-got] = true
	}
	assert.Len(t, seen, 1)

	// Uninstalling deletes the app's data, the secret with it.
	require.NoError(t, s.DeleteAppData("hello"))
	renewed, err := s.WebhookSecret("hello")
	require.NoError(t, err)
	assert.NotEqual(t, first, renewed)

	_, err = s.WebhookSecret("Not An ID!")
	assert.Error(t, err)
}

func TestSubscriptionKeys(t *testing.T) {
	const ch, user = "cccccccccccccccccccccccccc", "uuuuuuuuuuuuuuuuuuuuuuuuuu"
	tests := []struct {
		e    apps.Event
		want SubscriptionKeyParts
	}{
		{apps.Event{Subject: apps.SubjectUserJoinedChannel, ChannelID: ch}, SubscriptionKeyParts{AppID: "hello", Subject: apps.SubjectUserJoinedChannel, Scope: ch, OwnerID: user}},
		{apps.Event{Subject: apps.SubjectUserCreated}, SubscriptionKeyParts{AppID: "hello", Subject: apps.SubjectUserCreated, OwnerID: user}},
	}
	for _, tt := range tests {
		k := SubscriptionKey("hello", tt.e, user)
		assert.LessOrEqual(t, len(k), 150)
		assert.True(t, strings.HasPrefix(k, SubscriptionPrefix("hello")))
		got, ok := ParseSubscriptionKey(k)
		require.True(t, ok, k)
		assert.Equal(t, tt.want, got)
	}
	for _, k := range []string{OAuth2AppKey("hello"), OAuth2UserKey("hello", user), AppKVKey("hello", user, "ab", "k"), "app/hello", "appdata/hello/sub/x/y"} {
		_, ok := ParseSubscriptionKey(k)
		assert.False(t, ok, k)
	}
}

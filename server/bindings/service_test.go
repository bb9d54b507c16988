package bindings

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/pluginapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/appcall"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// countingCaller answers every call with one channel-header binding; user
// "mallory" may use no channel.
type countingCaller struct {
	calls, userCalls, verified int
	prefetched                 []string // users read ahead
}

func (c *countingCaller) Prefetch(ctx context.Context, userID string) context.Context {
	c.prefetched = append(c.prefetched, userID)
	return ctx
}

func (c *countingCaller) VerifyContext(ctx context.Context, userID string, _ *apps.Context) (context.Context, error) {
	c.verified++
	if userID == "mallory" {
		return ctx, fmt.Errorf("%w: context.channel_id: you cannot read this channel", appcall.ErrForbidden)
	}
	return ctx, nil
}

func (c *countingCaller) UserCall(ctx context.Context, _ string, creq *apps.CallRequest) (*apps.CallResponse, error) {
	c.userCalls++
	return c.BackgroundCall(ctx, nil, creq, "")
}

func (c *countingCaller) BackgroundCall(context.Context, *store.InstalledApp, *apps.CallRequest, string) (*apps.CallResponse, error) {
	c.calls++
	return &apps.CallResponse{Type: apps.CallResponseTypeOK, Data: []apps.Binding{
		{Location: apps.LocationChannelHeader, Bindings: []apps.Binding{{Label: "Hi", Submit: apps.NewCall("/hi")}}},
	}}, nil
}

type nopLog struct{}

func (nopLog) Warn(string, ...any)  {}
func (nopLog) Debug(string, ...any) {}

func TestForAppCachesPerAppUserAndChannel(t *testing.T) {
	st := store.NewApps(&pluginapi.MemoryStore{}, nil)
	app := &store.InstalledApp{Manifest: apps.Manifest{AppID: "hello", AWSLambda: &apps.AWSLambda{}}, GrantedLocations: []apps.Location{apps.LocationChannelHeader}}
	require.NoError(t, st.Put(app))
	caller := &countingCaller{}
	now := time.Now()
	s := New(Deps{Apps: st, Calls: caller, SiteURL: func() string { return "http://mm" }, Log: nopLog{}, Now: func() time.Time { return now }})
	w := Where{UserID: "u1", ChannelID: "c1", UserAgent: "webapp"}

	top, err := s.ForUser(context.Background(), w)
	require.NoError(t, err)
	require.Len(t, top, 1)
	assert.Equal(t, "Hi", top[0].Bindings[0].Label)
	_, _ = s.ForUser(context.Background(), w)
	_, _, err = s.ForApp(context.Background(), app, w)
	require.NoError(t, err)
	assert.Equal(t, 1, caller.calls, "answers are reused within the TTL")
	assert.Equal(t, []string{"u1"}, caller.prefetched, "the user is read ahead only when an app will be called")
	assert.Equal(t, 1, caller.userCalls, "a user's bindings are a user call, with its checks")

	_, _ = s.ForUser(context.Background(), Where{UserID: "u2", ChannelID: "c1", UserAgent: "webapp"})
	assert.Equal(t, 2, caller.calls, "another user is asked separately")

	now = now.Add(DefaultTTL)
	_, _ = s.ForUser(context.Background(), w)
	assert.Equal(t, 3, caller.calls, "an expired answer is fetched again")

	s.Invalidate()
	_, _ = s.ForUser(context.Background(), w)
	assert.Equal(t, 4, caller.calls, "Invalidate drops the cache")

	_, err = s.ForUser(context.Background(), Where{UserID: "mallory", ChannelID: "c1", UserAgent: "webapp"})
	require.ErrorIs(t, err, appcall.ErrForbidden)
	assert.Equal(t, 4, caller.calls, "no app is asked for a context the user may not use")

	_, _, err = s.ForApp(context.Background(), app, Where{UserID: "admin", UserAgent: "command", Background: true})
	require.NoError(t, err)
	assert.Equal(t, 5, caller.calls)
	assert.Equal(t, 4, caller.userCalls, "the plugin's own request is not a user call")
}

type recordingClients struct{ notified []string }

func (r *recordingClients) RefreshBindings(userID string) { r.notified = append(r.notified, userID) }

func TestCacheKeysAreBounded(t *testing.T) {
	st := store.NewApps(&pluginapi.MemoryStore{}, nil)
	app := &store.InstalledApp{Manifest: apps.Manifest{AppID: "hello", AWSLambda: &apps.AWSLambda{}}, GrantedLocations: []apps.Location{apps.LocationChannelHeader}}
	require.NoError(t, st.Put(app))
	caller := &countingCaller{}
	clients := &recordingClients{}
	s := New(Deps{Apps: st, Calls: caller, SiteURL: func() string { return "http://mm" }, Log: nopLog{}, Clients: clients})

	// A client cannot make up user agents to fill the cache.
	for i := 0; i < 50; i++ {
		_, err := s.ForUser(context.Background(), Where{UserID: "u1", ChannelID: "c1", UserAgent: fmt.Sprintf("made-up-%d", i)})
		require.NoError(t, err)
	}
	assert.Equal(t, 1, caller.calls, "unknown user agents are served as the webapp, from one cache entry")

	// One user's entries are bounded, whatever channels they ask for.
	for i := 0; i < 2*maxUserEntries; i++ {
		_, err := s.ForUser(context.Background(), Where{UserID: "u2", ChannelID: fmt.Sprintf("c%d", i), UserAgent: "webapp"})
		require.NoError(t, err)
	}
	s.mu.Lock()
	mine, theirs := 0, 0
	for _, e := range s.cache {
		if e.userID == "u2" {
			mine++
		} else {
			theirs++
		}
	}
	s.mu.Unlock()
	assert.LessOrEqual(t, mine, maxUserEntries)
	assert.Equal(t, 1, theirs, "another user's answers stay")

	s.Refresh("u1")
	assert.Equal(t, []string{"u1"}, clients.notified)
	s.mu.Lock()
	assert.Empty(t, s.cache, "a refresh drops the cached answers")
	s.mu.Unlock()
}

package bindings

import (
	"context"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/pluginapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/store"
)

type countingCaller struct{ calls int }

func (c *countingCaller) Call(context.Context, *store.InstalledApp, *apps.CallRequest, string) (*apps.CallResponse, error) {
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

	top := s.ForUser(context.Background(), w)
	require.Len(t, top, 1)
	assert.Equal(t, "Hi", top[0].Bindings[0].Label)
	s.ForUser(context.Background(), w)
	_, _, err := s.ForApp(context.Background(), app, w)
	require.NoError(t, err)
	assert.Equal(t, 1, caller.calls, "answers are reused within the TTL")

	s.ForUser(context.Background(), Where{UserID: "u2", ChannelID: "c1", UserAgent: "webapp"})
	assert.Equal(t, 2, caller.calls, "another user is asked separately")

	now = now.Add(DefaultTTL)
	s.ForUser(context.Background(), w)
	assert.Equal(t, 3, caller.calls, "an expired answer is fetched again")

	s.Invalidate()
	s.ForUser(context.Background(), w)
	assert.Equal(t, 4, caller.calls, "Invalidate drops the cache")
}

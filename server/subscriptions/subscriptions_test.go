package subscriptions

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/pluginapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/appservices"
	"github.com/lambda-apps/lambda-apps/server/failure"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// Mattermost IDs used by the tests.
var (
	chanA    = id("chana")
	chanB    = id("chanb")
	teamT    = id("teamt")
	alice    = id("alice")
	bob      = id("bob")
	botHello = id("bothello")
)

// id makes a Mattermost-shaped ID (26 lowercase letters and digits) from a
// readable name.
func id(name string) string { return (name + strings.Repeat("0", 26))[:26] }

// perms: alice reads chanA and views teamT; bob reads nothing; everyone
// lists channels of teamT only if they view it; view_members for alice.
type perms struct {
	mu   sync.Mutex
	deny map[string]bool // user + "/" + resource
}

func (p *perms) denied(k string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.deny[k]
}

func (p *perms) HasPermissionTo(userID string, _ *model.Permission) bool {
	return !p.denied(userID + "/system")
}

func (p *perms) HasPermissionToTeam(userID, teamID string, _ *model.Permission) bool {
	return !p.denied(userID + "/" + teamID)
}

func (p *perms) HasPermissionToChannel(userID, channelID string, _ *model.Permission) bool {
	return !p.denied(userID + "/" + channelID)
}

type fakeApps map[apps.AppID]*store.InstalledApp

func (f fakeApps) Get(id apps.AppID) (*store.InstalledApp, error) {
	if a, ok := f[id]; ok {
		return a, nil
	}
	return nil, store.ErrNotFound
}

type channels struct{}

func (channels) GetChannel(id string) (*model.Channel, error) {
	return &model.Channel{Id: id, TeamId: teamT}, nil
}

type made struct {
	app    apps.AppID
	acting string
	creq   apps.CallRequest
}

// recorder records calls; block, when set, holds every call until closed.
type recorder struct {
	calls chan made
	block chan struct{}
}

func (r *recorder) Call(_ context.Context, app *store.InstalledApp, creq *apps.CallRequest, acting string) (*apps.CallResponse, error) {
	if r.block != nil {
		<-r.block
	}
	r.calls <- made{app: app.ID(), acting: acting, creq: *creq}
	return &apps.CallResponse{}, nil
}

type nopLog struct{}

func (nopLog) Debug(string, ...any) {}
func (nopLog) Warn(string, ...any)  {}
func (nopLog) Error(string, ...any) {}

type fixture struct {
	s     *Service
	kv    *pluginapi.MemoryStore
	perms *perms
	apps  fakeApps
	rec   *recorder
}

func newFixture(t *testing.T, workers, queue int) *fixture {
	t.Helper()
	f := &fixture{
		kv:    &pluginapi.MemoryStore{},
		perms: &perms{deny: map[string]bool{bob + "/" + chanA: true, bob + "/" + teamT: true, bob + "/system": true}},
		apps: fakeApps{
			"hello": {Manifest: apps.Manifest{AppID: "hello"}, BotUserID: botHello},
			"other": {Manifest: apps.Manifest{AppID: "other"}, BotUserID: id("botother")},
		},
		rec: &recorder{calls: make(chan made, 100)},
	}
	f.s = New(Deps{KV: f.kv, Permissions: f.perms, Apps: f.apps, Calls: f.rec, Channels: channels{}, Log: nopLog{},
		Workers: workers, QueueSize: queue})
	f.s.Start()
	t.Cleanup(func() {
		if f.rec.block != nil {
			select {
			case <-f.rec.block:
			default:
				close(f.rec.block)
			}
		}
		f.s.Stop()
	})
	return f
}

func (f *fixture) caller(app apps.AppID, user string) *appservices.Caller {
	return &appservices.Caller{App: f.apps[app], UserID: user}
}

func sub(subject apps.Subject, channelID, teamID, path string) apps.Subscription {
	return apps.Subscription{Event: apps.Event{Subject: subject, ChannelID: channelID, TeamID: teamID}, Call: apps.Call{Path: path}}
}

// next waits (with a deadline) for the next call.
func (f *fixture) next(t *testing.T) made {
	t.Helper()
	select {
	case m := <-f.rec.calls:
		return m
	case <-time.After(10 * time.Second):
		require.FailNow(t, "no call within 10 s")
		return made{}
	}
}

// none checks that no call is made: the hook's events are delivered in
// order by the single worker, so a marker event delivered after them
// proves they were handled.
func (f *fixture) noneBefore(t *testing.T, marker func(), markerPath string) {
	t.Helper()
	marker()
	m := f.next(t)
	assert.Equal(t, markerPath, m.creq.Path, "a call was made that should not have been")
}

func TestSubscribeRefusals(t *testing.T) {
	f := newFixture(t, 1, 10)
	tests := []struct {
		name   string
		caller *appservices.Caller
		sub    apps.Subscription
		kind   failure.Kind
		match  string
	}{
		{"unknown subject", f.caller("hello", alice), sub("post_created", "", "", "/x"), failure.BadRequest, "unknown subject"},
		{"no call", f.caller("hello", alice), sub(apps.SubjectUserCreated, "", "", ""), failure.BadRequest, "call.path"},
		{"team on a channel subject", f.caller("hello", alice), sub(apps.SubjectUserJoinedChannel, "", teamT, "/x"), failure.BadRequest, "team_id must be empty"},
		{"channel_created without a team", f.caller("hello", alice), sub(apps.SubjectChannelCreated, "", "", "/x"), failure.BadRequest, "team_id is required"},
		{"not an ID", f.caller("hello", alice), sub(apps.SubjectUserJoinedChannel, "../x", "", "/x"), failure.BadRequest, "not a Mattermost ID"},
		{"a channel the user cannot read", f.caller("hello", bob), sub(apps.SubjectUserJoinedChannel, chanA, "", "/x"), failure.Forbidden, "cannot read the channel"},
		{"a team the user cannot view", f.caller("hello", bob), sub(apps.SubjectUserJoinedTeam, "", teamT, "/x"), failure.Forbidden, "cannot view the team"},
		{"channels of a team the user cannot list", f.caller("hello", bob), sub(apps.SubjectChannelCreated, "", teamT, "/x"), failure.Forbidden, "list the team's channels"},
		{"new users without view_members", f.caller("hello", bob), sub(apps.SubjectUserCreated, "", "", "/x"), failure.Forbidden, "view_members"},
		{"bot subject by a user", f.caller("hello", alice), sub(apps.SubjectBotJoinedChannel, "", "", "/x"), failure.Forbidden, "only the app's bot"},
		{"bot subject by another app's bot", f.caller("other", botHello), sub(apps.SubjectBotJoinedChannel, "", "", "/x"), failure.Forbidden, "only the app's bot"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := f.s.Subscribe(tt.caller, tt.sub)
			require.Error(t, err)
			assert.Equal(t, tt.kind, failure.KindOf(err))
			assert.Contains(t, err.Error(), tt.match)
		})
	}
	keys, err := f.kv.ListKeys(0, 100)
	require.NoError(t, err)
	assert.Empty(t, keys, "nothing refused is stored")
}

func TestSubscribeListUnsubscribe(t *testing.T) {
	f := newFixture(t, 1, 10)
	a := f.caller("hello", alice)
	require.NoError(t, f.s.Subscribe(a, sub(apps.SubjectUserJoinedChannel, chanA, "", "/first")))
	require.NoError(t, f.s.Subscribe(a, sub(apps.SubjectUserJoinedChannel, chanA, "", "/second")), "subscribing again replaces")
	require.NoError(t, f.s.Subscribe(a, sub(apps.SubjectUserJoinedTeam, "", "", "/self")))
	require.NoError(t, f.s.Subscribe(f.caller("other", alice), sub(apps.SubjectUserCreated, "", "", "/other-app")))

	list, err := f.s.List(a)
	require.NoError(t, err)
	paths := map[string]apps.Event{}
	for _, s := range list {
		paths[s.Call.Path] = s.Event
	}
	assert.Equal(t, map[string]apps.Event{
		"/second": {Subject: apps.SubjectUserJoinedChannel, ChannelID: chanA},
		"/self":   {Subject: apps.SubjectUserJoinedTeam},
	}, paths, "only this app's and this user's subscriptions, the replaced one gone")

	list, err = f.s.List(f.caller("hello", bob))
	require.NoError(t, err)
	assert.Empty(t, list)
	assert.NotNil(t, list, "an empty list, not null")

	require.NoError(t, f.s.Unsubscribe(a, apps.Event{Subject: apps.SubjectUserJoinedChannel, ChannelID: chanA}))
	err = f.s.Unsubscribe(a, apps.Event{Subject: apps.SubjectUserJoinedChannel, ChannelID: chanA})
	assert.Equal(t, failure.NotFound, failure.KindOf(err), "a second unsubscribe finds nothing")
	err = f.s.Unsubscribe(f.caller("hello", bob), apps.Event{Subject: apps.SubjectUserJoinedTeam})
	assert.Equal(t, failure.NotFound, failure.KindOf(err), "another user's subscription is not theirs to end")
	list, err = f.s.List(a)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, "/self", list[0].Call.Path)
}

func TestDelivery(t *testing.T) {
	f := newFixture(t, 1, 100)
	require.NoError(t, f.s.Subscribe(f.caller("hello", alice), sub(apps.SubjectUserJoinedChannel, chanA, "", "/joined-a")))
	require.NoError(t, f.s.Subscribe(f.caller("hello", bob), sub(apps.SubjectUserLeftChannel, "", "", "/bob-left")))
	require.NoError(t, f.s.Subscribe(f.caller("hello", botHello), sub(apps.SubjectBotJoinedChannel, "", "", "/bot-joined")))
	require.NoError(t, f.s.Subscribe(f.caller("hello", alice), sub(apps.SubjectChannelCreated, "", teamT, "/created")))
	require.NoError(t, f.s.Subscribe(f.caller("hello", alice), sub(apps.SubjectUserCreated, "", "", "/new-user")))

	t.Run("anyone joining a watched channel", func(t *testing.T) {
		f.s.UserChannel(&model.ChannelMember{ChannelId: chanA, UserId: bob}, true)
		m := f.next(t)
		assert.Equal(t, "/joined-a", m.creq.Path)
		assert.Equal(t, alice, m.acting, "called as the subscriber")
		assert.Equal(t, apps.Context{AppID: "hello", Subject: "user_joined_channel", ChannelID: chanA, TeamID: teamT, UserID: bob}, m.creq.Context)
	})
	t.Run("joining another channel calls no one", func(t *testing.T) {
		f.noneBefore(t, func() {
			f.s.UserChannel(&model.ChannelMember{ChannelId: chanB, UserId: alice}, true)
			f.s.UserCreated(id("carol"))
		}, "/new-user")
	})
	t.Run("the subscriber leaving any channel", func(t *testing.T) {
		f.noneBefore(t, func() {
			f.s.UserChannel(&model.ChannelMember{ChannelId: chanB, UserId: alice}, false) // not bob
			f.s.UserChannel(&model.ChannelMember{ChannelId: chanB, UserId: bob}, false)
		}, "/bob-left")
	})
	t.Run("the app's bot joining", func(t *testing.T) {
		f.noneBefore(t, func() {
			f.s.UserChannel(&model.ChannelMember{ChannelId: chanB, UserId: id("botother")}, true) // another app's bot
			f.s.UserChannel(&model.ChannelMember{ChannelId: chanB, UserId: botHello}, true)
		}, "/bot-joined")
	})
	t.Run("a channel created in the team; direct messages are not", func(t *testing.T) {
		f.noneBefore(t, func() {
			f.s.ChannelCreated(&model.Channel{Id: id("dm"), Type: model.ChannelTypeDirect})
			f.s.ChannelCreated(&model.Channel{Id: chanB, TeamId: teamT})
		}, "/created")
	})
	t.Run("a subscriber who lost access is not called", func(t *testing.T) {
		f.perms.mu.Lock()
		f.perms.deny[alice+"/"+chanA] = true
		f.perms.mu.Unlock()
		defer func() {
			f.perms.mu.Lock()
			delete(f.perms.deny, alice+"/"+chanA)
			f.perms.mu.Unlock()
		}()
		f.noneBefore(t, func() {
			f.s.UserChannel(&model.ChannelMember{ChannelId: chanA, UserId: bob}, true)
			f.s.UserCreated(id("dave"))
		}, "/new-user")
	})
	t.Run("a disabled app is not called", func(t *testing.T) {
		f.apps["hello"].Disabled = true
		require.NoError(t, f.s.Subscribe(f.caller("other", alice), sub(apps.SubjectUserJoinedTeam, "", "", "/other-marker")))
		f.noneBefore(t, func() {
			f.s.UserChannel(&model.ChannelMember{ChannelId: chanA, UserId: bob}, true)
			f.s.UserTeam(&model.TeamMember{TeamId: teamT, UserId: alice}, true)
		}, "/other-marker")
		f.apps["hello"].Disabled = false
	})
}

func TestIndexFollowsOtherNodesAndUninstall(t *testing.T) {
	f := newFixture(t, 1, 100)
	require.NoError(t, f.s.Subscribe(f.caller("other", alice), sub(apps.SubjectUserCreated, "", "", "/marker")))
	// Another node stores a subscription: this node sees it after the
	// cluster event (Invalidate).
	_, err := f.kv.Set(store.SubscriptionKey("hello", apps.Event{Subject: apps.SubjectUserJoinedChannel, ChannelID: chanA}, alice),
		record{sub(apps.SubjectUserJoinedChannel, chanA, "", "/from-another-node")})
	require.NoError(t, err)
	f.s.Invalidate()
	f.s.UserChannel(&model.ChannelMember{ChannelId: chanA, UserId: bob}, true)
	assert.Equal(t, "/from-another-node", f.next(t).creq.Path)

	// Uninstalling discards the app's data, its subscriptions with it.
	require.NoError(t, store.NewApps(f.kv, nil).DeleteAppData("hello"))
	f.s.Invalidate()
	f.noneBefore(t, func() {
		f.s.UserChannel(&model.ChannelMember{ChannelId: chanA, UserId: bob}, true)
		f.s.UserCreated(id("erin"))
	}, "/marker")
}

func TestHooksNeverBlock(t *testing.T) {
	f := newFixture(t, 1, 2)
	f.rec.block = make(chan struct{})
	require.NoError(t, f.s.Subscribe(f.caller("hello", alice), sub(apps.SubjectUserCreated, "", "", "/slow")))
	// One event is being delivered (blocked in the app), two wait in the
	// queue, the rest are dropped: the hook returns at once every time.
	for i := range 10 {
		f.s.UserCreated(id(fmt.Sprintf("u%d", i)))
	}
	assert.GreaterOrEqual(t, f.s.Dropped(), int64(7))
	assert.LessOrEqual(t, f.s.Dropped(), int64(8))
	close(f.rec.block)
	for range 10 - f.s.Dropped() {
		assert.Equal(t, "/slow", f.next(t).creq.Path)
	}
}

func TestNobodyWatchingQueuesNothing(t *testing.T) {
	f := newFixture(t, 1, 10)
	require.NoError(t, f.s.Subscribe(f.caller("hello", alice), sub(apps.SubjectUserJoinedChannel, chanA, "", "/x")))
	_, err := f.s.index()
	require.NoError(t, err)
	f.s.Stop() // nothing takes from the queue now
	f.s.UserChannel(&model.ChannelMember{ChannelId: chanB, UserId: bob}, true)
	f.s.UserTeam(&model.TeamMember{TeamId: teamT, UserId: bob}, true)
	f.s.UserCreated(bob)
	assert.Empty(t, f.s.queue)
	f.s.UserChannel(&model.ChannelMember{ChannelId: chanA, UserId: bob}, true)
	assert.Len(t, f.s.queue, 1)
}

package appcall

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
)

// fakeMM is a small Mattermost: user "u" is on team t1 and reads channels
// ch1 and ch2 (team t1) and the DM dm1; ch3 is on t1 but private to others;
// cx is on team t2.
type fakeMM struct {
	channels map[string]*model.Channel
	posts    map[string]*model.Post
	readable map[string]bool
	teams    map[string]bool
	rpcs     atomic.Int64 // the context's reads run at once
	// teamChecks counts CanViewTeam (the server reads team members from
	// its database).
	teamChecks atomic.Int64
}

func newFakeMM() *fakeMM {
	return &fakeMM{
		channels: map[string]*model.Channel{
			"ch1": {Id: "ch1", TeamId: "t1"}, "ch2": {Id: "ch2", TeamId: "t1"}, "ch3": {Id: "ch3", TeamId: "t1"},
			"dm1": {Id: "dm1"}, "cx": {Id: "cx", TeamId: "t2"},
		},
		posts: map[string]*model.Post{
			"p1": {Id: "p1", ChannelId: "ch1"}, "reply1": {Id: "reply1", ChannelId: "ch1", RootId: "p1"},
			"p2": {Id: "p2", ChannelId: "ch2"}, "p3": {Id: "p3", ChannelId: "ch3"},
			"gone": {Id: "gone", ChannelId: "ch1", DeleteAt: 1},
		},
		readable: map[string]bool{"ch1": true, "ch2": true, "dm1": true},
		teams:    map[string]bool{"t1": true},
	}
}

func (f *fakeMM) GetChannel(id string) (*model.Channel, error) {
	f.rpcs.Add(1)
	if c, ok := f.channels[id]; ok {
		return c, nil
	}
	return nil, errors.New("not found")
}

func (f *fakeMM) GetPost(id string) (*model.Post, error) {
	f.rpcs.Add(1)
	if p, ok := f.posts[id]; ok {
		return p, nil
	}
	return nil, errors.New("not found")
}

func (f *fakeMM) CanReadChannel(userID, channelID string) bool {
	f.rpcs.Add(1)
	return userID == "u" && f.readable[channelID]
}

func (f *fakeMM) CanViewTeam(userID, teamID string) bool {
	f.rpcs.Add(1)
	f.teamChecks.Add(1)
	return userID == "u" && f.teams[teamID]
}

func TestVerifyContext(t *testing.T) {
	tests := []struct {
		name  string
		c     apps.Context
		field string // "" = allowed
	}{
		{"nothing", apps.Context{}, ""},
		{"channel and team", apps.Context{ChannelID: "ch1", TeamID: "t1"}, ""},
		{"a DM with the current team", apps.Context{ChannelID: "dm1", TeamID: "t1"}, ""},
		{"a DM with a team not joined", apps.Context{ChannelID: "dm1", TeamID: "t2"}, "team_id"},
		{"a DM with an unknown team", apps.Context{ChannelID: "dm1", TeamID: "t9"}, "team_id"},
		{"unreadable channel with its team", apps.Context{ChannelID: "ch3", TeamID: "t1"}, "channel_id"},
		{"channel of a team not joined", apps.Context{ChannelID: "cx", TeamID: "t2"}, "channel_id"},
		{"unknown channel with a team", apps.Context{ChannelID: "nope", TeamID: "t1"}, "channel_id"},
		{"post and root in the channel", apps.Context{ChannelID: "ch1", PostID: "reply1", RootPostID: "p1"}, ""},
		{"post without a channel, readable", apps.Context{PostID: "p2"}, ""},
		{"unreadable channel", apps.Context{ChannelID: "ch3"}, "channel_id"},
		{"unknown channel", apps.Context{ChannelID: "nope"}, "channel_id"},
		{"team not joined", apps.Context{TeamID: "t2"}, "team_id"},
		{"channel of another team", apps.Context{ChannelID: "ch1", TeamID: "t9"}, "team_id"},
		{"post in another channel", apps.Context{ChannelID: "ch1", PostID: "p2"}, "post_id"},
		{"post in an unreadable channel", apps.Context{PostID: "p3"}, "post_id"},
		{"unknown post", apps.Context{ChannelID: "ch1", PostID: "nope"}, "post_id"},
		{"deleted post", apps.Context{ChannelID: "ch1", PostID: "gone"}, "post_id"},
		{"root in another channel", apps.Context{ChannelID: "ch1", RootPostID: "p2"}, "root_post_id"},
		{"root that is a reply", apps.Context{ChannelID: "ch1", RootPostID: "reply1"}, "root_post_id"},
		{"root in an unreadable channel", apps.Context{RootPostID: "p3"}, "root_post_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := verifyContext(newFakeMM(), "u", &tt.c)
			if tt.field == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrForbidden)
			assert.Contains(t, err.Error(), "context."+tt.field+":")
		})
	}
}

// TestTeamMembershipReadOnlyWithoutATeamChannel: a channel of the context's
// team stands for the team (the user reads it); the membership is read for
// a team alone and for direct and group messages.
func TestTeamMembershipReadOnlyWithoutATeamChannel(t *testing.T) {
	tests := []struct {
		name string
		c    apps.Context
		want int64
	}{
		{"a channel of the team", apps.Context{ChannelID: "ch1", TeamID: "t1"}, 0},
		{"a channel without a team", apps.Context{ChannelID: "ch1"}, 0},
		{"a team alone", apps.Context{TeamID: "t1"}, 1},
		{"a DM with a team", apps.Context{ChannelID: "dm1", TeamID: "t1"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mm := newFakeMM()
			require.NoError(t, verifyContext(mm, "u", &tt.c))
			assert.Equal(t, tt.want, mm.teamChecks.Load())
		})
	}
}

func TestUserCallVerifiesTheContext(t *testing.T) {
	inv := &fakeInvoker{answer: `{}`}
	s := newTestService(t, inv, nil)
	_, err := s.UserCall(context.Background(), "u", &apps.CallRequest{Call: apps.Call{Path: "/x"},
		Context: apps.Context{AppID: "hello.app", ChannelID: "ch1", PostID: "p3"}})
	require.ErrorIs(t, err, ErrForbidden)
	assert.Empty(t, inv.calls, "nothing was invoked")

	_, err = s.UserCall(context.Background(), "", &apps.CallRequest{Call: apps.Call{Path: "/x"}, Context: apps.Context{AppID: "hello.app"}})
	require.ErrorIs(t, err, ErrForbidden, "a user call needs a user")
	assert.Empty(t, inv.calls)
}

func TestVerifiedContextIsCheckedOnce(t *testing.T) {
	inv := &fakeInvoker{answer: `{}`}
	s := newTestService(t, inv, nil)
	mm := s.Mattermost.(*fakeMM)
	where := apps.Context{ChannelID: "ch1", TeamID: "t1"}
	ctx, err := s.VerifyContext(context.Background(), "u", &where)
	require.NoError(t, err)
	before := mm.rpcs.Load()
	for i := 0; i < 3; i++ {
		_, err = s.UserCall(ctx, "u", &apps.CallRequest{Call: apps.Call{Path: "/bindings"},
			Context: apps.Context{AppID: "hello.app", ChannelID: "ch1", TeamID: "t1"}})
		require.NoError(t, err)
	}
	assert.Equal(t, before, mm.rpcs.Load(), "the shared context is not checked again")

	// Another context (or user) under the same ctx is checked.
	_, err = s.UserCall(ctx, "u", &apps.CallRequest{Call: apps.Call{Path: "/x"}, Context: apps.Context{AppID: "hello.app", ChannelID: "ch3", TeamID: "t1"}})
	require.ErrorIs(t, err, ErrForbidden)
	_, err = s.VerifyContext(context.Background(), "u", &apps.Context{ChannelID: "ch3"})
	require.ErrorIs(t, err, ErrForbidden)
}

func TestAlreadyVerifiedCoversNarrowerContexts(t *testing.T) {
	ctx := context.WithValue(context.Background(), verifiedKey{}, verified{userID: "u", channelID: "c", teamID: "t", rootPostID: "r"})
	tests := []struct {
		name string
		user string
		c    apps.Context
		want bool
	}{
		{"the same context", "u", apps.Context{ChannelID: "c", TeamID: "t", RootPostID: "r"}, true},
		{"without the root post", "u", apps.Context{ChannelID: "c", TeamID: "t"}, true},
		{"another user", "v", apps.Context{ChannelID: "c", TeamID: "t"}, false},
		{"another channel", "u", apps.Context{ChannelID: "x", TeamID: "t"}, false},
		{"no channel", "u", apps.Context{TeamID: "t"}, false},
		{"another team", "u", apps.Context{ChannelID: "c", TeamID: "x"}, false},
		{"a post never verified", "u", apps.Context{ChannelID: "c", TeamID: "t", PostID: "p"}, false},
		{"another root post", "u", apps.Context{ChannelID: "c", TeamID: "t", RootPostID: "q"}, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, alreadyVerified(ctx, tt.user, &tt.c), tt.name)
	}
	assert.False(t, alreadyVerified(context.Background(), "u", &apps.Context{}), "nothing verified")
}

type countingMM struct {
	*fakeMM
	gets int
}

func (c *countingMM) GetChannel(id string) (*model.Channel, error) {
	c.gets++
	return c.fakeMM.GetChannel(id)
}

func TestChannelTeamIsRemembered(t *testing.T) {
	mm := &countingMM{fakeMM: newFakeMM()}
	s := New(Deps{Mattermost: mm})
	first, err := s.channelTeam("ch1")
	require.NoError(t, err)
	second, err := s.channelTeam("ch1")
	require.NoError(t, err)
	assert.Equal(t, first, second)
	assert.Equal(t, 1, mm.gets, "read once")
	_, err = s.channelTeam("nope")
	require.Error(t, err)
	_, err = s.channelTeam("nope")
	require.Error(t, err)
	assert.Equal(t, 3, mm.gets, "a channel that could not be read is not remembered")
}

package appcall

import (
	"context"
	"fmt"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/apps"
)

// ContextAPI is what the context checks read from Mattermost.
type ContextAPI interface {
	GetChannel(channelID string) (*model.Channel, error)
	GetPost(postID string) (*model.Post, error)
	CanReadChannel(userID, channelID string) bool
	CanViewTeam(userID, teamID string) bool
}

// verifyContext checks the Mattermost context a user's call carries: every
// ID names something that exists and that the user may see, and they agree
// with each other (the post is in the channel, the channel in the team).
// The error names the field; it says nothing about objects the user cannot
// see beyond "you cannot use it".
func verifyContext(api ContextAPI, userID string, c *apps.Context) error {
	return verifyContextWith(api, func(channelID string) (string, error) {
		ch, err := api.GetChannel(channelID)
		if err != nil {
			return "", err
		}
		return ch.TeamId, nil
	}, userID, c)
}

// verifyContextWith is verifyContext reading a channel's team with
// channelTeam (a cache: the team of a channel does not change but when a
// system admin moves the channel).
//
// A team channel's context names its own team or is refused, and then the
// user's right to read the channel stands for the team, as the server does
// for slash commands (api4 executeCommand takes the team from the channel
// and checks team membership only in direct and group messages): only the
// team's members (and admins) can read its channels, and Mattermost removes
// whoever leaves a team from its channels. So the team membership, which
// the server reads from its database on every check, is checked only for
// contexts without a channel or with a direct or group message (a channel
// an admin moves to another team is seen there within channelTeamTTL). The
// channel's read permission and its team are independent round trips and
// are read at once.
func verifyContextWith(api ContextAPI, channelTeam func(channelID string) (string, error), userID string, c *apps.Context) error {
	forbidden := func(field, why string) error {
		return fmt.Errorf("%w: context.%s: %s", ErrForbidden, field, why)
	}
	checkTeam := c.TeamID != ""
	if c.ChannelID != "" {
		var teamID string
		var teamErr error
		var wg sync.WaitGroup
		if c.TeamID != "" {
			wg.Add(1)
			go func() {
				defer wg.Done()
				teamID, teamErr = channelTeam(c.ChannelID)
			}()
		}
		readable := api.CanReadChannel(userID, c.ChannelID)
		wg.Wait()
		if !readable {
			return forbidden("channel_id", "you cannot read this channel")
		}
		switch {
		case c.TeamID == "":
		case teamErr != nil:
			return forbidden("channel_id", "no such channel")
		case teamID == "": // DMs and group messages belong to no team
		case teamID != c.TeamID:
			return forbidden("team_id", "the channel is not in this team")
		default:
			checkTeam = false
		}
	}
	if checkTeam && !api.CanViewTeam(userID, c.TeamID) {
		return forbidden("team_id", "you are not a member of this team")
	}
	for _, p := range []struct{ field, id string }{{"post_id", c.PostID}, {"root_post_id", c.RootPostID}} {
		if p.id == "" {
			continue
		}
		post, err := api.GetPost(p.id)
		if err != nil || post.DeleteAt != 0 {
			return forbidden(p.field, "no such post")
		}
		switch {
		case c.ChannelID != "" && post.ChannelId != c.ChannelID:
			return forbidden(p.field, "the post is not in the channel of the call")
		case c.ChannelID == "" && !api.CanReadChannel(userID, post.ChannelId):
			return forbidden(p.field, "you cannot read this post's channel")
		case p.field == "root_post_id" && post.RootId != "":
			return forbidden(p.field, "the post is a reply, not the root of a thread")
		}
	}
	return nil
}

// verifiedKey marks a context whose call context was verified for a user,
// so that the calls one request makes to several apps (bindings) check the
// shared context once.
type verifiedKey struct{}

type verified struct {
	userID                                string
	channelID, teamID, postID, rootPostID string
}

func verifiedOf(userID string, c *apps.Context) verified {
	return verified{userID, c.ChannelID, c.TeamID, c.PostID, c.RootPostID}
}

// VerifyContext checks a user's call context once and returns a context
// under which UserCall does not check the same call context again.
// The calls made under the returned context share their reads of users
// (Prefetcher).
func (s *Service) VerifyContext(ctx context.Context, userID string, c *apps.Context) (context.Context, error) {
	ctx = s.prefetch(ctx, "", nil)
	if err := verifyContextWith(s.Mattermost, s.channelTeam, userID, c); err != nil {
		return ctx, err
	}
	return context.WithValue(ctx, verifiedKey{}, verifiedOf(userID, c)), nil
}

// Prefetch starts reading the user in the background, for a request that
// will call apps as them (a command, bindings not cached): those calls
// nearly always expand the acting user, and the read then overlaps the
// context's checks instead of following them. Call it before VerifyContext.
func (s *Service) Prefetch(ctx context.Context, userID string) context.Context {
	return s.prefetch(ctx, userID, nil)
}

// alreadyVerified reports whether ctx carries a verification of the same
// user, channel and team that covers c's posts: a call context with the
// same channel and team and no post, or the same post, checks nothing the
// verification did not (a command's bindings call and its call share one).
func alreadyVerified(ctx context.Context, userID string, c *apps.Context) bool {
	v, ok := ctx.Value(verifiedKey{}).(verified)
	if !ok || v.userID != userID || v.channelID != c.ChannelID || v.teamID != c.TeamID {
		return false
	}
	return (c.PostID == "" || c.PostID == v.postID) && (c.RootPostID == "" || c.RootPostID == v.rootPostID)
}

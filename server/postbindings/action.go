package postbindings

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/dialog"
	"github.com/lambda-apps/lambda-apps/server/failure"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// Errors of HandleAction that refuse a request before any app is called.
var (
	errForged    = failure.New(failure.Forbidden, "this is not a click on a Lambda Apps button")
	errNotAppBot = failure.New(failure.Forbidden, "the post is not the app's")
	errNoPost    = failure.New(failure.NotFound, "no such post")
	errOption    = failure.New(failure.Forbidden, "the selected option is not one of the post's")
)

// selectedOptionKey is where the server puts a select's chosen value in
// the integration context.
const selectedOptionKey = "selected_option"

// HandleAction answers the server's request for a click on a rendered
// in-post binding, by userID (the server's Mattermost-User-Id). The signed
// action must be one this plugin rendered for the clicked post (its
// signature, the post's author being the app's bot, the binding still
// being the one rendered); then the binding's call is made as the user,
// with the post and its channel in the context and every check of a
// user's call. The app's answer is applied: ok text as an ephemeral post,
// a form as a dialog, navigate as a link, errors as ephemeral errors, and
// an ok answer with data.update ({"message","props"}) updates the post.
// An error means the request was refused before any app was called.
func (s *Service) HandleAction(ctx context.Context, userID string, req *model.PostActionIntegrationRequest) (*model.PostActionIntegrationResponse, error) {
	raw, _ := req.Context[ContextKey].(string)
	act, err := s.Signer.Open(raw)
	if err != nil {
		if errors.Is(err, ErrBadAction) {
			return nil, fmt.Errorf("%w: %w", errForged, err)
		}
		return nil, failure.Hide(failure.Internal, "in-post actions cannot be checked", err)
	}
	if req.PostId == "" || (act.PostID != "" && act.PostID != req.PostId) {
		return nil, fmt.Errorf("%w: the action belongs to another post", errForged)
	}
	post, err := s.API.GetPost(req.PostId)
	if err != nil || post.DeleteAt != 0 {
		return nil, fmt.Errorf("%w: %s", errNoPost, req.PostId)
	}
	app, installed := s.installed(act.AppID)
	if !installed {
		s.ephemeral(userID, post, "", fmt.Sprintf("**Error:** the app `%s` is not installed any more.", act.AppID))
		return &model.PostActionIntegrationResponse{}, nil
	}
	if post.UserId != app.BotUserID {
		return nil, fmt.Errorf("%w: post %s was not posted by the bot of %s", errNotAppBot, post.Id, app.ID())
	}
	bindings, _ := Decode(post.GetProp(PropAppBindings))
	_, b, found := Find(bindings, app.ID(), act.Location)
	if !found || Digest(b) != act.Digest {
		s.ephemeral(userID, post, app.BotUserID, "**Error:** this post's buttons have changed since it was shown; reload it and try again.")
		return &model.PostActionIntegrationResponse{}, nil
	}
	target, location, err := chosen(b, act.Location, req)
	if err != nil {
		return nil, err
	}
	where := dialog.Where{AppID: app.ID(), Location: location, ChannelID: post.ChannelId, PostID: post.Id, RootPostID: post.RootId}
	if ch, cerr := s.API.GetChannel(post.ChannelId); cerr == nil {
		where.TeamID = ch.TeamId
	}
	resp, err := s.call(ctx, userID, where, target)
	if err != nil {
		s.ephemeral(userID, post, app.BotUserID, "**Error:** "+failure.Message(err))
		return &model.PostActionIntegrationResponse{}, nil
	}
	return s.apply(ctx, app, userID, req.TriggerId, post, where, resp), nil
}

// installed returns the installed app with this ID.
func (s *Service) installed(id apps.AppID) (*store.InstalledApp, bool) {
	app, err := s.Apps.Get(id)
	return app, err == nil
}

// target is what a click runs: a call, or a form to show.
type target struct {
	call *apps.Call
	form *apps.Form
}

// chosen is what the clicked binding b at loc runs: a button's own call or
// form; for a select, the chosen option's (or else the select's).
func chosen(b apps.Binding, loc string, req *model.PostActionIntegrationRequest) (target, apps.Location, error) {
	location := apps.LocationInPost.Sub(apps.Location(loc))
	if len(b.Bindings) == 0 {
		return target{call: b.Submit, form: b.Form}, location, nil
	}
	picked, _ := req.Context[selectedOptionKey].(string)
	for _, o := range b.Bindings {
		if locationOf(o) != picked || picked == "" || len(o.Bindings) > 0 {
			continue
		}
		t := target{call: o.Submit, form: o.Form}
		if !hasTarget(o) {
			t = target{call: b.Submit, form: b.Form}
		}
		return t, location.Sub(apps.Location(picked)), nil
	}
	return target{}, "", fmt.Errorf("%w: %q", errOption, picked)
}

// call makes the call of t as the user; an embedded form without a source
// is the answer itself (its submission is a user's call).
func (s *Service) call(ctx context.Context, userID string, where dialog.Where, t target) (*apps.CallResponse, error) {
	c := t.call
	if c == nil || c.Path == "" {
		if t.form == nil {
			return nil, errors.New("the button has nothing to call")
		}
		if t.form.Source == nil {
			return &apps.CallResponse{Type: apps.CallResponseTypeForm, Form: t.form}, nil
		}
		c = t.form.Source
	}
	creq := &apps.CallRequest{
		Call: *c,
		Context: apps.Context{
			AppID: where.AppID, Location: where.Location,
			ChannelID: where.ChannelID, TeamID: where.TeamID, PostID: where.PostID, RootPostID: where.RootPostID,
		},
	}
	return s.Calls.UserCall(ctx, userID, creq)
}

// apply shows the app's answer to the user.
func (s *Service) apply(ctx context.Context, app *store.InstalledApp, userID, triggerID string, post *model.Post, where dialog.Where, resp *apps.CallResponse) *model.PostActionIntegrationResponse {
	out := &model.PostActionIntegrationResponse{}
	fail := func(msg string) *model.PostActionIntegrationResponse {
		s.ephemeral(userID, post, app.BotUserID, "**Error:** "+msg)
		return out
	}
	switch resp.Type {
	case apps.CallResponseTypeError:
		return fail(cmp.Or(resp.Text, "the app reported an error"))
	case apps.CallResponseTypeForm:
		if resp.Form == nil {
			return fail("the app answered with an empty form")
		}
		if triggerID == "" {
			return fail("the app answered with a form, which cannot be opened here")
		}
		if err := s.Forms.OpenForm(ctx, app, userID, triggerID, where, resp.Form); err != nil {
			return fail("could not open the app's form: " + err.Error())
		}
		return out
	case apps.CallResponseTypeNavigate:
		link, err := s.link(resp.NavigateToURL)
		if err != nil {
			return fail(err.Error())
		}
		s.ephemeral(userID, post, app.BotUserID, "Open "+link)
		return out
	}
	if resp.Text != "" {
		s.ephemeral(userID, post, app.BotUserID, resp.Text)
	}
	out.Update = postUpdate(resp, post)
	return out
}

// postUpdate reads an ok answer's {"update": {"message", "props"}}: the
// app's new version of its post. A missing message keeps the post's; missing
// props keep its props (the server's rule).
func postUpdate(resp *apps.CallResponse, post *model.Post) *model.Post {
	if resp.Data == nil {
		return nil
	}
	var data struct {
		Update *struct {
			Message *string        `json:"message"`
			Props   map[string]any `json:"props"`
		} `json:"update"`
	}
	if resp.DecodeData(&data) != nil || data.Update == nil {
		return nil
	}
	up := &model.Post{Id: post.Id, Message: post.Message}
	if data.Update.Message != nil {
		up.Message = *data.Update.Message
	}
	if data.Update.Props != nil {
		up.SetProps(data.Update.Props)
	}
	return up
}

// ephemeral sends text to the user, next to the post, from botUserID (the
// app's bot when known).
func (s *Service) ephemeral(userID string, post *model.Post, botUserID, text string) {
	s.API.SendEphemeralPost(userID, &model.Post{
		UserId: cmp.Or(botUserID, post.UserId), ChannelId: post.ChannelId, RootId: post.RootId, Message: text,
	})
}

// link checks an app's navigate answer: a path on the site or an http(s)
// URL, shown as a markdown link; links that leave the site are named as
// external. Anything else (javascript:, data:...) is refused.
func (s *Service) link(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case err != nil || raw == "":
		return "", errors.New("the app answered with a link that is not a URL")
	case u.Scheme == "" && u.Host == "" && strings.HasPrefix(u.Path, "/"):
		return fmt.Sprintf("[%s](%s)", u.Path, u.String()), nil
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		return "", fmt.Errorf("the app answered with a link that is not http(s): %q", u.Scheme+":")
	}
	site, _ := url.Parse(s.SiteURL())
	if site != nil && strings.EqualFold(site.Host, u.Host) && site.Scheme == u.Scheme {
		return fmt.Sprintf("[%s](%s)", u.String(), u.String()), nil
	}
	return fmt.Sprintf("[%s](%s) (external link, outside Mattermost)", u.String(), u.String()), nil
}

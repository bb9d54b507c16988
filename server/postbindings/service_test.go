package postbindings

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/pluginapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/dialog"
	"github.com/lambda-apps/lambda-apps/server/failure"
	"github.com/lambda-apps/lambda-apps/server/store"
)

const (
	botID    = "botuserid"
	userID   = "clicker"
	postID   = "post1"
	alertRaw = `[{"location":"alert","label":"Disk full","description":"db1","bindings":[
		{"location":"ack","label":"Acknowledge","submit":{"path":"/ack","expand":{"post":"summary"}}},
		{"location":"prio","label":"Priority","submit":{"path":"/prio"},"bindings":[{"location":"high","label":"High"},{"location":"low","label":"Low","submit":"/low"}]},
		{"location":"edit","label":"Edit","form":{"title":"Edit","submit":{"path":"/edit"}}}]}]`
)

type fakeCalls struct {
	creqs  []*apps.CallRequest
	users  []string
	answer *apps.CallResponse
	err    error
}

func (f *fakeCalls) UserCall(_ context.Context, userID string, creq *apps.CallRequest) (*apps.CallResponse, error) {
	f.creqs = append(f.creqs, creq)
	f.users = append(f.users, userID)
	if f.err != nil {
		return nil, f.err
	}
	return f.answer, nil
}

type fakeForms struct {
	opened []*apps.Form
	where  []dialog.Where
}

func (f *fakeForms) OpenForm(_ context.Context, _ *store.InstalledApp, _, triggerID string, where dialog.Where, form *apps.Form) error {
	if triggerID == "" {
		return errors.New("no trigger")
	}
	f.opened = append(f.opened, form)
	f.where = append(f.where, where)
	return nil
}

type fakeMM struct {
	posts      map[string]*model.Post
	ephemerals []*model.Post
}

func (f *fakeMM) GetPost(id string) (*model.Post, error) {
	if p, ok := f.posts[id]; ok {
		return p, nil
	}
	return nil, errors.New("not found")
}

func (f *fakeMM) GetChannel(id string) (*model.Channel, error) {
	return &model.Channel{Id: id, TeamId: "team1"}, nil
}

func (f *fakeMM) SendEphemeralPost(_ string, post *model.Post) {
	f.ephemerals = append(f.ephemerals, post)
}

type nopLog struct{}

func (nopLog) Debug(string, ...any) {}
func (nopLog) Warn(string, ...any)  {}

type fixture struct {
	s     *Service
	apps  *store.Apps
	calls *fakeCalls
	forms *fakeForms
	mm    *fakeMM
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st := store.NewApps(&pluginapi.MemoryStore{}, nil)
	put := func(id apps.AppID, bot string, disabled bool, locs ...apps.Location) {
		require.NoError(t, st.Put(&store.InstalledApp{
			Manifest:  apps.Manifest{AppID: id, Version: "1.0.0", DisplayName: "App " + string(id), Icon: "icon.png"},
			BotUserID: bot, Disabled: disabled, GrantedLocations: locs,
		}))
	}
	put("hello", botID, false, apps.LocationInPost, apps.LocationCommand)
	put("off", "offbot", true, apps.LocationInPost)
	put("nogrant", "nograntbot", false, apps.LocationCommand)
	f := &fixture{apps: st, calls: &fakeCalls{answer: &apps.CallResponse{Type: apps.CallResponseTypeOK, Text: "Acknowledged."}},
		forms: &fakeForms{}, mm: &fakeMM{posts: map[string]*model.Post{}}}
	f.s = New(Deps{
		Apps: st, Calls: f.calls, Forms: f.forms, API: f.mm, Log: nopLog{},
		Signer:    &Signer{Secret: func() (string, error) { return strings.Repeat("s", 64), nil }},
		ActionURL: "/plugins/lambda-apps/api/v1/post-action", SiteURL: func() string { return "https://mm.example.com" },
	})
	return f
}

func appPost(t *testing.T, author, raw string) *model.Post {
	t.Helper()
	p := &model.Post{UserId: author, ChannelId: "ch1", Message: "alert"}
	p.AddProp(PropAppBindings, decodeRaw(t, raw))
	return p
}

func decodeRaw(t *testing.T, raw string) any {
	t.Helper()
	var v any
	require.NoError(t, jsonUnmarshal(raw, &v))
	return v
}

func TestWillBePosted(t *testing.T) {
	tests := []struct {
		name        string
		author      string
		raw         string
		attachments int
	}{
		{"the app's bot: rendered", botID, alertRaw, 1},
		{"a user who is not the app's bot: props kept, no attachments", userID, alertRaw, -1},
		{"the bot of a disabled app: no attachments", "offbot", alertRaw, 0},
		{"an app not granted /in_post: no attachments", "nograntbot", alertRaw, 0},
		{"bindings of another app in the bot's post: none", botID, `[{"app_id":"off","location":"x","bindings":[{"location":"b","label":"B","submit":"/b"}]}]`, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			post := appPost(t, tc.author, tc.raw)
			post.AddProp(PropRendered, 5) // a client's value is not trusted
			post.AddProp(model.PostPropsAttachments, []any{map[string]any{"text": "the app's own"}})
			out := f.s.WillBePosted(post)
			if tc.attachments < 0 {
				assert.Nil(t, out, "the post is saved as sent")
				return
			}
			require.NotNil(t, out)
			assert.NotNil(t, out.GetProp(PropAppBindings), "the original bindings stay")
			atts := out.Attachments()
			require.Len(t, atts, 1+tc.attachments)
			assert.Equal(t, "the app's own", atts[0].Text)
			if tc.attachments == 0 {
				assert.Nil(t, out.GetProp(PropRendered))
				return
			}
			assert.Equal(t, tc.attachments, out.GetProp(PropRendered))
			assert.Equal(t, "Disk full", atts[1].Title)
			assert.Equal(t, []string{"button:Acknowledge", "select:Priority[High=high,Low=low]", "button:Edit"}, actionNames(atts[1]))
			assert.Equal(t, "https://mm.example.com/plugins/lambda-apps/api/v1/apps/hello/static/icon.png", atts[1].AuthorIcon)
		})
	}
	t.Run("a post without bindings is not touched", func(t *testing.T) {
		f := newFixture(t)
		assert.Nil(t, f.s.WillBePosted(&model.Post{UserId: botID, Message: "plain"}))
	})
}

func TestWillBeUpdatedReplacesItsAttachments(t *testing.T) {
	f := newFixture(t)
	post := appPost(t, botID, alertRaw)
	post.AddProp(model.PostPropsAttachments, []any{map[string]any{"text": "own"}})
	first := f.s.WillBePosted(post)
	require.Len(t, first.Attachments(), 2)

	edited := first.Clone()
	edited.Id = postID
	edited.AddProp(PropAppBindings, decodeRaw(t, `[{"location":"alert","label":"Acknowledged","bindings":[{"location":"close","label":"Close","submit":"/close"}]}]`))
	out := f.s.WillBeUpdated(edited)
	atts := out.Attachments()
	require.Len(t, atts, 2, "the earlier rendering is replaced, not added to")
	assert.Equal(t, "own", atts[0].Text)
	assert.Equal(t, "Acknowledged", atts[1].Title)
	assert.Equal(t, []string{"button:Close"}, actionNames(atts[1]))
	got, err := f.s.Signer.Open(atts[1].Actions[0].Integration.Context[ContextKey].(string))
	require.NoError(t, err)
	assert.Equal(t, postID, got.PostID, "an edit knows the post ID and binds the action to it")

	require.NoError(t, f.apps.Put(func() *store.InstalledApp { a, _ := f.apps.Get("hello"); c := *a; c.Disabled = true; return &c }()))
	out = f.s.WillBeUpdated(out)
	require.Len(t, out.Attachments(), 1, "a disabled app's buttons go on the next edit")
	assert.Nil(t, out.GetProp(PropRendered))

	plain := &model.Post{UserId: userID, Message: "x"}
	assert.Same(t, plain, f.s.WillBeUpdated(plain), "an edit is never refused")
}

// clickable posts an app post (saved as postID) and returns the action
// request of the action named name.
func (f *fixture) clickable(t *testing.T, raw, name string) *model.PostActionIntegrationRequest {
	t.Helper()
	out := f.s.WillBePosted(appPost(t, botID, raw))
	require.NotNil(t, out)
	out.Id = postID
	f.mm.posts[postID] = out
	for _, a := range out.Attachments() {
		for _, act := range a.Actions {
			if act.Name == name {
				return &model.PostActionIntegrationRequest{PostId: postID, TriggerId: "trigger", Context: act.Integration.Context}
			}
		}
	}
	t.Fatalf("no action %q", name)
	return nil
}

func TestHandleActionCallsAsTheUserAndShowsTheAnswer(t *testing.T) {
	tests := []struct {
		name       string
		action     string
		option     string
		answer     *apps.CallResponse
		callErr    error
		wantPath   string
		wantLoc    apps.Location
		ephemeral  string
		formOpened bool
		update     string
	}{
		{name: "ok text", action: "Acknowledge", answer: &apps.CallResponse{Text: "Acknowledged."},
			wantPath: "/ack", wantLoc: "/in_post/alert/ack", ephemeral: "Acknowledged."},
		{name: "select option with its own call", action: "Priority", option: "low", answer: &apps.CallResponse{Text: "Low."},
			wantPath: "/low", wantLoc: "/in_post/alert/prio/low", ephemeral: "Low."},
		{name: "select option without a call uses the select's", action: "Priority", option: "high", answer: &apps.CallResponse{},
			wantPath: "/prio", wantLoc: "/in_post/alert/prio/high"},
		{name: "form answer opens a dialog", action: "Acknowledge", answer: &apps.CallResponse{Type: apps.CallResponseTypeForm, Form: &apps.Form{Title: "More"}},
			wantPath: "/ack", wantLoc: "/in_post/alert/ack", formOpened: true},
		{name: "an embedded form is shown without a call", action: "Edit", formOpened: true},
		{name: "navigate becomes a link", action: "Acknowledge", answer: &apps.CallResponse{Type: apps.CallResponseTypeNavigate, NavigateToURL: "https://status.example.com/x"},
			wantPath: "/ack", wantLoc: "/in_post/alert/ack", ephemeral: "Open [https://status.example.com/x](https://status.example.com/x) (external link, outside Mattermost)"},
		{name: "javascript navigate is refused", action: "Acknowledge", answer: &apps.CallResponse{Type: apps.CallResponseTypeNavigate, NavigateToURL: "javascript:alert(1)"},
			wantPath: "/ack", wantLoc: "/in_post/alert/ack", ephemeral: "**Error:** the app answered with a link that is not http(s)"},
		{name: "error answer", action: "Acknowledge", answer: &apps.CallResponse{Type: apps.CallResponseTypeError, Text: "Already closed."},
			wantPath: "/ack", wantLoc: "/in_post/alert/ack", ephemeral: "**Error:** Already closed."},
		{name: "refused call", action: "Acknowledge", callErr: failure.New(failure.Forbidden, "app is disabled"),
			wantPath: "/ack", wantLoc: "/in_post/alert/ack", ephemeral: "**Error:** app is disabled"},
		{name: "ok with an updated post", action: "Acknowledge", answer: &apps.CallResponse{Text: "Done.", Data: map[string]any{"update": map[string]any{"message": "Acked by you"}}},
			wantPath: "/ack", wantLoc: "/in_post/alert/ack", ephemeral: "Done.", update: "Acked by you"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.calls.answer, f.calls.err = tc.answer, tc.callErr
			req := f.clickable(t, alertRaw, tc.action)
			if tc.option != "" {
				req.Context[selectedOptionKey] = tc.option
			}
			resp, err := f.s.HandleAction(context.Background(), userID, req)
			require.NoError(t, err)
			if tc.wantPath == "" {
				assert.Empty(t, f.calls.creqs, "no call")
			} else {
				require.Len(t, f.calls.creqs, 1)
				creq := f.calls.creqs[0]
				assert.Equal(t, userID, f.calls.users[0], "the call is the clicking user's")
				assert.Equal(t, tc.wantPath, creq.Path)
				assert.Equal(t, apps.Context{AppID: "hello", Location: tc.wantLoc, ChannelID: "ch1", TeamID: "team1", PostID: postID}, creq.Context)
			}
			if tc.ephemeral == "" {
				assert.Empty(t, f.mm.ephemerals)
			} else {
				require.Len(t, f.mm.ephemerals, 1)
				e := f.mm.ephemerals[0]
				assert.True(t, strings.HasPrefix(e.Message, tc.ephemeral), "%q", e.Message)
				assert.Equal(t, botID, e.UserId, "from the app's bot")
				assert.Equal(t, "ch1", e.ChannelId)
			}
			assert.Equal(t, tc.formOpened, len(f.forms.opened) == 1)
			if tc.formOpened {
				assert.Equal(t, postID, f.forms.where[0].PostID)
			}
			if tc.update == "" {
				assert.Nil(t, resp.Update)
			} else {
				require.NotNil(t, resp.Update)
				assert.Equal(t, tc.update, resp.Update.Message)
				assert.Equal(t, postID, resp.Update.Id)
			}
		})
	}
}

func TestHandleActionRefusals(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, f *fixture, req *model.PostActionIntegrationRequest)
		status int
		// ephemeral: the refusal is explained next to the post (a click
		// on a real button that can no longer work) instead of an error.
		ephemeral string
	}{
		{"no signed action (a direct POST)", func(_ *testing.T, _ *fixture, r *model.PostActionIntegrationRequest) {
			r.Context = map[string]any{}
		}, http.StatusForbidden, ""},
		{"a changed signed action", func(_ *testing.T, _ *fixture, r *model.PostActionIntegrationRequest) {
			s := r.Context[ContextKey].(string)
			r.Context[ContextKey] = strings.Replace(s, "pa1.", "pa1.e", 1)
		}, http.StatusForbidden, ""},
		{"an action of another app's signature", func(t *testing.T, f *fixture, r *model.PostActionIntegrationRequest) {
			sealed, err := (&Signer{Secret: func() (string, error) { return strings.Repeat("x", 64), nil }}).Sign(Action{AppID: "hello", Location: "alert/ack"})
			require.NoError(t, err)
			r.Context[ContextKey] = sealed
		}, http.StatusForbidden, ""},
		{"a valid action sent for a user's post that copies the bindings", func(t *testing.T, f *fixture, r *model.PostActionIntegrationRequest) {
			copyPost := f.mm.posts[postID].Clone()
			copyPost.Id, copyPost.UserId = "post2", userID
			f.mm.posts["post2"] = copyPost
			r.PostId = "post2"
		}, http.StatusForbidden, ""},
		{"a deleted post", func(_ *testing.T, f *fixture, _ *model.PostActionIntegrationRequest) {
			f.mm.posts[postID].DeleteAt = 1
		}, http.StatusNotFound, ""},
		{"an option the select does not have", func(_ *testing.T, _ *fixture, r *model.PostActionIntegrationRequest) {
			r.Context[selectedOptionKey] = "urgent"
		}, http.StatusForbidden, ""},
		{"the post's bindings changed since rendering", func(t *testing.T, f *fixture, _ *model.PostActionIntegrationRequest) {
			f.mm.posts[postID].AddProp(PropAppBindings, decodeRaw(t, strings.Replace(alertRaw, `"/prio"`, `"/other"`, 1)))
		}, http.StatusOK, "**Error:** this post's buttons have changed"},
		{"the app was uninstalled", func(t *testing.T, f *fixture, _ *model.PostActionIntegrationRequest) {
			require.NoError(t, f.apps.Delete("hello"))
		}, http.StatusOK, "**Error:** the app `hello` is not installed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			req := f.clickable(t, alertRaw, "Priority")
			req.Context[selectedOptionKey] = "low"
			tc.change(t, f, req)
			_, err := f.s.HandleAction(context.Background(), userID, req)
			assert.Empty(t, f.calls.creqs, "no app was called")
			if tc.status != http.StatusOK {
				require.Error(t, err)
				assert.Equal(t, tc.status, failure.Status(err), "%v", err)
				assert.Empty(t, f.mm.ephemerals)
				return
			}
			require.NoError(t, err)
			require.Len(t, f.mm.ephemerals, 1)
			assert.True(t, strings.HasPrefix(f.mm.ephemerals[0].Message, tc.ephemeral), "%q", f.mm.ephemerals[0].Message)
		})
	}
}

func TestSignedActionBoundToItsPost(t *testing.T) {
	f := newFixture(t)
	sealed, err := f.s.Signer.Sign(Action{AppID: "hello", Location: "alert/ack", PostID: "another"})
	require.NoError(t, err)
	req := f.clickable(t, alertRaw, "Acknowledge")
	req.Context[ContextKey] = sealed
	_, err = f.s.HandleAction(context.Background(), userID, req)
	require.Error(t, err)
	assert.Equal(t, http.StatusForbidden, failure.Status(err))
	assert.Empty(t, f.calls.creqs)
}

func jsonUnmarshal(raw string, v any) error { return json.Unmarshal([]byte(raw), v) }

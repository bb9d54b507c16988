package appcmd

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/pluginapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/appcall"
	"github.com/lambda-apps/lambda-apps/server/dialog"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// These tests run the commands and dialogs through the real call entry
// point (appcall.Service) with a recording Lambda invoker: what an attacker
// sends must never reach the app.

type recordingInvoker struct {
	mu    sync.Mutex
	paths []string
	creqs []apps.CallRequest
}

func (r *recordingInvoker) Call(_ context.Context, _, path string, body []byte) ([]byte, error) {
	var creq apps.CallRequest
	_ = json.Unmarshal(body, &creq)
	r.mu.Lock()
	r.paths = append(r.paths, path)
	r.creqs = append(r.creqs, creq)
	r.mu.Unlock()
	if path == "/pick" {
		form, _ := json.Marshal(apps.CallResponse{Type: apps.CallResponseTypeForm, Form: securityForm()})
		return form, nil
	}
	return []byte(`{"type":"ok","text":"done"}`), nil
}

func (r *recordingInvoker) Notify(context.Context, string, string, []byte) error {
	return errors.New("not used")
}

func (r *recordingInvoker) called() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.paths...)
}

// channelsMM: user "u" reads c1 (team t1); "secret" is another team's
// channel the user cannot read.
type channelsMM struct{}

func (channelsMM) GetChannel(id string) (*model.Channel, error) {
	return &model.Channel{Id: id, TeamId: "t1"}, nil
}
func (channelsMM) GetPost(id string) (*model.Post, error) { return nil, errors.New("not found") }
func (channelsMM) CanReadChannel(u, c string) bool        { return u == "u" && c == "c1" }
func (channelsMM) CanViewTeam(u, t string) bool           { return u == "u" && t == "t1" }

func securityForm() *apps.Form {
	return &apps.Form{Title: "Pick", Submit: apps.NewCall("/submit"), Fields: []apps.Field{
		{Name: "color", Type: apps.FieldTypeStaticSelect, Options: []apps.SelectOption{{Label: "Red", Value: "r"}}},
		{Name: "where", Type: apps.FieldTypeChannel},
	}}
}

func newSecurityFixture(t *testing.T) (*Service, *recordingInvoker, *fakeMM) {
	t.Helper()
	inv := &recordingInvoker{}
	st := store.NewApps(&pluginapi.MemoryStore{}, nil)
	require.NoError(t, st.Put(&store.InstalledApp{BotUserID: "bot", GrantedLocations: []apps.Location{apps.LocationCommand},
		Manifest: apps.Manifest{AppID: "hello", Version: "1.0.0", DisplayName: "Hello", OnInstall: apps.NewCall("/install"),
			AWSLambda: &apps.AWSLambda{Functions: []apps.AWSLambdaFunction{{Path: "/", Name: "main", Handler: "h", Runtime: "provided.al2023"}}}}}))
	calls := appcall.New(appcall.Deps{
		Apps: st, Env: appcall.FixedEnv{Lambda: inv, Timeout: time.Second, Site: "http://mm"},
		Mattermost: channelsMM{},
	})
	binds := &fakeBindings{byApp: map[apps.AppID][]apps.Binding{"hello": {{Location: apps.LocationCommand, Bindings: []apps.Binding{{
		Label: "hello", Location: "hello", Bindings: []apps.Binding{
			{Label: "pick", Location: "pick", Submit: apps.NewCall("/pick")},
			{Label: "post", Location: "post", Form: &apps.Form{Submit: apps.NewCall("/post"), Fields: []apps.Field{
				{Name: "to", Type: apps.FieldTypeChannel, Position: 1}}}},
		}}}}}}}
	mm := newFakeMM()
	mm.channels = map[string]string{"town-square": "c1", "secret": "secret"}
	svc := New(Deps{Apps: st, Bindings: binds, Calls: calls, API: mm, Log: nopLog{}, Sealer: testSealer(),
		DialogURL: "/plugins/lambda-apps/api/v1/dialog"})
	_, err := svc.SyncApp(context.Background(), "hello")
	require.NoError(t, err)
	return svc, inv, mm
}

// openForm runs /hello pick as u in c1 and returns the dialog it opened.
func openForm(t *testing.T, svc *Service, mm *fakeMM) model.Dialog {
	t.Helper()
	svc.Execute(context.Background(), &model.CommandArgs{UserId: "u", ChannelId: "c1", TeamId: "t1", TriggerId: "trig", Command: "/hello pick"})
	require.Len(t, mm.dialogs, 1, "posts: %v", mm.posts)
	return mm.dialogs[0].Dialog
}

func TestForgedDialogStatesNeverReachTheApp(t *testing.T) {
	svc, inv, mm := newSecurityFixture(t)
	d := openForm(t, svc, mm)
	require.Equal(t, []string{"/pick"}, inv.called())

	// The attack of the security report: an unsigned state naming any path.
	forged := func(path, channel string) string {
		b, _ := json.Marshal(dialog.State{Kind: dialog.KindForm, Where: dialog.Where{AppID: "hello", ChannelID: channel}, Call: apps.NewCall(path)})
		return string(b)
	}
	tampered := d.State[:len(d.State)-2] + "xx"
	for _, tc := range []struct{ name, user, state, channel string }{
		{"webhook path in a forged state", "u", forged("/webhook/notify", "c1"), "c1"},
		{"on_install in a forged state", "u", forged("/install", "c1"), "c1"},
		{"a forged state in an unreadable channel", "u", forged("/submit", "secret"), "secret"},
		{"a sealed state with a changed signature", "u", tampered, "c1"},
		{"a sealed state submitted by another user", "other", d.State, "c1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := svc.SubmitDialog(context.Background(), tc.user, &model.SubmitDialogRequest{State: tc.state, ChannelId: tc.channel, Submission: map[string]any{}})
			assert.NotEmpty(t, resp.Error)
			_, err := svc.DialogLookup(context.Background(), tc.user, &model.SubmitDialogRequest{State: tc.state, ChannelId: tc.channel,
				Submission: map[string]any{"selected_field": "color"}})
			assert.Error(t, err)
			assert.Equal(t, []string{"/pick"}, inv.called(), "nothing but the command's own call reached the app")
		})
	}

	// The genuine submission goes through, to the sealed call and channel
	// whatever channel the request names.
	resp := svc.SubmitDialog(context.Background(), "u", &model.SubmitDialogRequest{State: d.State, ChannelId: "secret",
		Submission: map[string]any{"color": "r", "where": "c1"}})
	require.Empty(t, resp.Error, "%+v", resp)
	require.Equal(t, []string{"/pick", "/submit"}, inv.called())
	assert.Equal(t, "c1", inv.creqs[1].Context.ChannelID)
	assert.Equal(t, "u", inv.creqs[1].Context.UserID)
}

func TestDialogValuesMustBeOffered(t *testing.T) {
	svc, inv, mm := newSecurityFixture(t)
	d := openForm(t, svc, mm)
	for _, tc := range []struct {
		name       string
		submission map[string]any
		field      string
	}{
		{"a static value the form did not offer", map[string]any{"color": "admin"}, "color"},
		{"a channel the user cannot read", map[string]any{"where": "secret"}, "where"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := svc.SubmitDialog(context.Background(), "u", &model.SubmitDialogRequest{State: d.State, Submission: tc.submission})
			assert.Contains(t, resp.Errors, tc.field)
			assert.Equal(t, []string{"/pick"}, inv.called())
		})
	}
}

func TestCommandsCheckChannels(t *testing.T) {
	svc, inv, mm := newSecurityFixture(t)
	resp := svc.Execute(context.Background(), &model.CommandArgs{UserId: "u", ChannelId: "c1", TeamId: "t1", Command: "/hello post ~secret"})
	assert.Contains(t, resp.Text, "no channel ~secret")
	assert.Empty(t, inv.called(), "a channel argument the user cannot read is refused before the call")

	svc.Execute(context.Background(), &model.CommandArgs{UserId: "u", ChannelId: "secret", TeamId: "t1", Command: "/hello post ~town-square"})
	assert.Empty(t, inv.called(), "a command run in a channel the user cannot read is refused")
	assert.True(t, strings.Contains(mm.posts[len(mm.posts)-1].Message, "context.channel_id"), mm.posts[len(mm.posts)-1].Message)

	svc.Execute(context.Background(), &model.CommandArgs{UserId: "u", ChannelId: "c1", TeamId: "t1", Command: "/hello post ~town-square"})
	assert.Equal(t, []string{"/post"}, inv.called())
}

package appcmd

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/pluginapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/bindings"
	"github.com/lambda-apps/lambda-apps/server/dialog"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// fakeMM behaves like the server: registered plugin commands show up in
// the list of taken triggers.
type fakeMM struct {
	fakeResolver
	registered map[string]*model.Command
	builtin    []string
	dialogs    []model.OpenDialogRequest
	posts      []*model.Post
	// refuseDynamic behaves like servers that predate dynamic selects.
	refuseDynamic bool
	// channels maps channel names to IDs, in any team (else fakeResolver).
	channels map[string]string
}

func (f *fakeMM) ChannelID(team, name string) (string, error) {
	if id, ok := f.channels[name]; ok {
		return id, nil
	}
	return f.fakeResolver.ChannelID(team, name)
}

func newFakeMM() *fakeMM {
	return &fakeMM{registered: map[string]*model.Command{}, builtin: []string{"join", "me"}}
}

func (f *fakeMM) RegisterCommand(c *model.Command) error { f.registered[c.Trigger] = c; return nil }
func (f *fakeMM) UnregisterCommand(t string) error       { delete(f.registered, t); return nil }
func (f *fakeMM) TakenTriggers() []string {
	out := append([]string(nil), f.builtin...)
	for t := range f.registered {
		out = append(out, t)
	}
	return out
}
func (f *fakeMM) OpenInteractiveDialog(r model.OpenDialogRequest) error {
	for _, el := range r.Dialog.Elements {
		if f.refuseDynamic && el.DataSource == "dynamic" {
			return errors.New("invalid data source \"dynamic\"")
		}
	}
	f.dialogs = append(f.dialogs, r)
	return nil
}
func (f *fakeMM) SendEphemeralPost(_ string, p *model.Post) { f.posts = append(f.posts, p) }
func (f *fakeMM) CanReadChannel(_, channelID string) bool {
	return !strings.HasPrefix(channelID, "secret")
}

func testSealer() *dialog.Sealer {
	return &dialog.Sealer{Secret: func() (string, error) { return strings.Repeat("k", 64), nil }}
}

type fakeBindings struct{ byApp map[apps.AppID][]apps.Binding }

func (f *fakeBindings) ForApp(_ context.Context, app *store.InstalledApp, _ bindings.Where) ([]apps.Binding, []bindings.Problem, error) {
	return f.byApp[app.ID()], nil, nil
}

type fakeCaller struct {
	resp  *apps.CallResponse
	err   error
	calls []*apps.CallRequest
}

func (f *fakeCaller) UserCall(_ context.Context, _ string, creq *apps.CallRequest) (*apps.CallResponse, error) {
	f.calls = append(f.calls, creq)
	return f.resp, f.err
}

type nopLog struct{}

func (nopLog) Info(string, ...any) {}
func (nopLog) Warn(string, ...any) {}

type fixture struct {
	svc    *Service
	mm     *fakeMM
	binds  *fakeBindings
	caller *fakeCaller
	apps   *store.Apps
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{mm: newFakeMM(), binds: &fakeBindings{byApp: map[apps.AppID][]apps.Binding{}}, caller: &fakeCaller{},
		apps: store.NewApps(&pluginapi.MemoryStore{}, nil)}
	f.svc = New(Deps{Apps: f.apps, Bindings: f.binds, Calls: f.caller, API: f.mm, Log: nopLog{}, Sealer: testSealer(), DialogURL: "/plugins/lambda-apps/api/v1/dialog", Reserved: []string{"apps"}})
	return f
}

func (f *fixture) install(t *testing.T, id apps.AppID, labels ...string) {
	t.Helper()
	require.NoError(t, f.apps.Put(&store.InstalledApp{Manifest: apps.Manifest{AppID: id, DisplayName: string(id)}, BotUserID: "bot-" + string(id),
		GrantedLocations: []apps.Location{apps.LocationCommand}}))
	var subs []apps.Binding
	for _, l := range labels {
		b := tree(t)
		b.Label, b.Location = l, apps.Location(l)
		subs = append(subs, b)
	}
	f.binds.byApp[id] = []apps.Binding{{Location: apps.LocationCommand, Bindings: subs}}
}

func TestSyncAppRegistersAndKeepsCommands(t *testing.T) {
	f := newFixture(t)
	f.install(t, "hello", "hello")
	problems, err := f.svc.SyncApp(context.Background(), "hello")
	require.NoError(t, err)
	assert.Empty(t, problems)
	require.Contains(t, f.mm.registered, "hello")
	cmd := f.mm.registered["hello"]
	require.NotNil(t, cmd.AutocompleteData)
	assert.NoError(t, cmd.AutocompleteData.IsValid())
	assert.Len(t, cmd.AutocompleteData.SubCommands, 4)

	// A second sync (reinstall) must keep the command even though the
	// server now lists it among the taken triggers.
	problems, err = f.svc.SyncApp(context.Background(), "hello")
	require.NoError(t, err)
	assert.Empty(t, problems)
	assert.Contains(t, f.mm.registered, "hello")
	assert.Equal(t, []string{"hello"}, f.svc.Triggers("hello"))
}

func TestSyncAppRefusesTakenTriggers(t *testing.T) {
	f := newFixture(t)
	f.install(t, "first", "shared")
	f.install(t, "second", "shared", "join", "apps", "own")
	_, err := f.svc.SyncApp(context.Background(), "first")
	require.NoError(t, err)
	problems, err := f.svc.SyncApp(context.Background(), "second")
	require.NoError(t, err)
	require.Len(t, problems, 3)
	assert.Contains(t, problems[0], "`/shared` is already a command of the app first")
	assert.Contains(t, problems[1], "`/join` is already a Mattermost or plugin command")
	assert.Contains(t, problems[2], "`/apps` is already a Lambda Apps command")
	assert.Equal(t, []string{"own"}, f.svc.Triggers("second"))
	id, ok := f.svc.AppFor("SHARED")
	assert.True(t, ok)
	assert.Equal(t, apps.AppID("first"), id)
}

func TestSyncAppRemovesCommandsOfDisabledAndRemovedApps(t *testing.T) {
	f := newFixture(t)
	f.install(t, "hello", "hello")
	_, _ = f.svc.SyncApp(context.Background(), "hello")
	_, err := f.apps.Update("hello", func(a *store.InstalledApp) (*store.InstalledApp, error) { a.Disabled = true; return a, nil })
	require.NoError(t, err)
	_, _ = f.svc.SyncApp(context.Background(), "hello")
	assert.NotContains(t, f.mm.registered, "hello")

	f.install(t, "other", "other")
	f.svc.SyncAll(context.Background())
	assert.Contains(t, f.mm.registered, "other")
	require.NoError(t, f.apps.Delete("other"))
	f.svc.SyncAll(context.Background())
	assert.NotContains(t, f.mm.registered, "other")
}

func TestExecuteRendersAnswers(t *testing.T) {
	f := newFixture(t)
	f.install(t, "hello", "hello")
	_, _ = f.svc.SyncApp(context.Background(), "hello")
	args := &model.CommandArgs{UserId: "u1", ChannelId: "c1", TeamId: "t1", RootId: "r1", TriggerId: "trig", Command: `/hello greet "Ada L"`}

	f.caller.resp = &apps.CallResponse{Type: apps.CallResponseTypeOK, Text: "Hello, Ada L!"}
	resp := f.svc.Execute(context.Background(), args)
	assert.Empty(t, resp.Text)
	require.Len(t, f.caller.calls, 1)
	creq := f.caller.calls[0]
	assert.Equal(t, "/greet", creq.Path)
	assert.Equal(t, map[string]any{"name": "Ada L"}, creq.Values)
	assert.Equal(t, apps.Location("/command/hello/greet"), creq.Context.Location)
	assert.Equal(t, `/hello greet "Ada L"`, creq.RawCommand)
	assert.Equal(t, "r1", creq.Context.RootPostID)
	require.Len(t, f.mm.posts, 1)
	p := f.mm.posts[0]
	assert.Equal(t, []string{"bot-hello", "c1", "r1", "Hello, Ada L!"}, []string{p.UserId, p.ChannelId, p.RootId, p.Message})

	f.caller.resp = &apps.CallResponse{Type: apps.CallResponseTypeError, Text: "nope"}
	f.svc.Execute(context.Background(), args)
	assert.Equal(t, "**Error:** nope", f.mm.posts[1].Message)

	f.caller.resp = nil
	f.caller.err = errors.New("lambda down")
	f.svc.Execute(context.Background(), args)
	assert.Equal(t, "**Error:** lambda down", f.mm.posts[2].Message)

	f.caller.err = nil
	f.caller.resp = &apps.CallResponse{Type: apps.CallResponseTypeForm, Form: &apps.Form{Title: "Survey", Submit: apps.NewCall("/s"),
		Fields: []apps.Field{{Name: "q", Type: apps.FieldTypeText, IsRequired: true}}}}
	args.Command = "/hello survey"
	assert.Empty(t, f.svc.Execute(context.Background(), args).Text)
	require.Len(t, f.mm.dialogs, 1)
	assert.Equal(t, "trig", f.mm.dialogs[0].TriggerId)
	assert.Equal(t, "Survey", f.mm.dialogs[0].Dialog.Title)

	f.caller.resp = &apps.CallResponse{Type: apps.CallResponseTypeNavigate, NavigateToURL: "https://example.com/x"}
	assert.Equal(t, "https://example.com/x", f.svc.Execute(context.Background(), args).GotoLocation)

	calls := len(f.caller.calls)
	args.Command = "/hello greet --bogus"
	assert.Contains(t, f.svc.Execute(context.Background(), args).Text, "unknown flag")
	assert.Len(t, f.caller.calls, calls, "usage errors never reach the app")
}

func TestSubmitDialog(t *testing.T) {
	f := newFixture(t)
	f.install(t, "hello", "hello")
	form := &apps.Form{Title: "Survey", Submit: apps.NewCall("/s"), Fields: []apps.Field{{Name: "q", Type: apps.FieldTypeText}}}
	app, err := f.apps.Get("hello")
	require.NoError(t, err)
	d, err := f.svc.sealedDialog(app, "u1", dialog.Where{AppID: "hello", ChannelID: "c1"}, form, "")
	require.NoError(t, err)
	req := &model.SubmitDialogRequest{State: d.State, ChannelId: "c1", TeamId: "t1", Submission: map[string]any{"q": "a"}}

	f.caller.resp = &apps.CallResponse{Type: apps.CallResponseTypeError, Text: "fix", Data: map[string]any{"errors": map[string]string{"q": "bad"}}}
	resp := f.svc.SubmitDialog(context.Background(), "u1", req)
	assert.Equal(t, map[string]string{"q": "bad"}, resp.Errors)
	assert.Equal(t, map[string]any{"q": "a"}, f.caller.calls[0].Values)

	f.caller.resp = &apps.CallResponse{Type: apps.CallResponseTypeOK, Text: "thanks"}
	resp = f.svc.SubmitDialog(context.Background(), "u1", req)
	assert.Empty(t, resp.Error)
	assert.Equal(t, "thanks", f.mm.posts[0].Message)

	bad := f.svc.SubmitDialog(context.Background(), "u1", &model.SubmitDialogRequest{State: `{"k":"other"}`})
	assert.NotEmpty(t, bad.Error)
	st, _ := json.Marshal(dialog.State{Kind: dialog.KindForm, Where: dialog.Where{AppID: "hello"}, Call: apps.NewCall("/x")})
	calls := len(f.caller.calls)
	assert.Contains(t, f.svc.SubmitDialog(context.Background(), "u1", &model.SubmitDialogRequest{State: string(st)}).Error, "was changed")
	assert.Len(t, f.caller.calls, calls, "an unsealed state never reaches the app")
}

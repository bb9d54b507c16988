package appcall

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/pluginapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/lambdainvoke"
	"github.com/lambda-apps/lambda-apps/server/store"
)

type recorded struct {
	function, path string
	creq           apps.CallRequest
	async          bool
}

type fakeInvoker struct {
	calls  []recorded
	answer string
	err    error
}

func (f *fakeInvoker) record(function, path string, body []byte, async bool) {
	var creq apps.CallRequest
	_ = json.Unmarshal(body, &creq)
	f.calls = append(f.calls, recorded{function, path, creq, async})
}

func (f *fakeInvoker) Call(_ context.Context, function, path string, body []byte) ([]byte, error) {
	f.record(function, path, body, false)
	return []byte(f.answer), f.err
}

func (f *fakeInvoker) Notify(_ context.Context, function, path string, body []byte) error {
	f.record(function, path, body, true)
	return f.err
}

func testApp() *store.InstalledApp {
	return &store.InstalledApp{
		BotUserID: "bot1",
		Manifest: apps.Manifest{
			AppID: "hello.app", Version: "0.1.0", DisplayName: "Hello", HomepageURL: "https://example.com",
			OnInstall: apps.NewCall("/install"),
			AWSLambda: &apps.AWSLambda{Functions: []apps.AWSLambdaFunction{
				{Path: "/", Name: "main", Handler: "bootstrap", Runtime: "provided.al2023"},
				{Path: "/admin", Name: "admin fn", Handler: "bootstrap", Runtime: "provided.al2023"},
			}},
		},
	}
}

func newTestService(t *testing.T, inv *fakeInvoker, invErr error) *Service {
	t.Helper()
	st := store.NewApps(&pluginapi.MemoryStore{}, nil)
	require.NoError(t, st.Put(testApp()))
	disabled := testApp()
	disabled.Manifest.AppID = "off.app"
	disabled.Disabled = true
	require.NoError(t, st.Put(disabled))
	return New(Deps{Apps: st, Env: testEnv{inv, invErr}, Mattermost: newFakeMM()})
}

// testEnv is a configuration with a Lambda invoker (or invErr).
type testEnv struct {
	inv    Invoker
	invErr error
}

func (e testEnv) Invoker() (Invoker, error) {
	if e.invErr != nil {
		return nil, e.invErr
	}
	return e.inv, nil
}
func (testEnv) CallTimeout() time.Duration { return time.Second }
func (testEnv) SiteURL() string            { return "http://mm.example" }

type expandFunc func(app *store.InstalledApp, actingUserID string, userToken bool, creq *apps.CallRequest) error

func (f expandFunc) Expand(_ context.Context, app *store.InstalledApp, actingUserID string, userToken bool, creq *apps.CallRequest) error {
	return f(app, actingUserID, userToken, creq)
}

func TestUserCallRoutesAndFillsContext(t *testing.T) {
	inv := &fakeInvoker{answer: `{"text":"hi"}`}
	s := newTestService(t, inv, nil)
	creq := &apps.CallRequest{
		Call:    apps.Call{Path: "/admin/x/../do", Expand: &apps.Expand{ActingUser: apps.ExpandSummary}},
		Context: apps.Context{AppID: "hello.app", ChannelID: "ch1", ExpandedContext: apps.ExpandedContext{BotAccessToken: "forged"}},
	}
	resp, err := s.UserCall(context.Background(), "u", creq)
	require.NoError(t, err)
	assert.Equal(t, apps.CallResponseTypeOK, resp.Type, "empty type means ok")
	assert.Equal(t, "hi", resp.Text)

	require.Len(t, inv.calls, 1)
	c := inv.calls[0]
	assert.Equal(t, "hello-app_0-1-0_admin-fn", c.function)
	assert.Equal(t, "/admin/do", c.path)
	assert.Equal(t, "/admin/do", c.creq.Path)
	assert.Equal(t, apps.AppID("hello.app"), c.creq.Context.AppID)
	assert.Equal(t, "ch1", c.creq.Context.ChannelID)
	assert.Equal(t, "u", c.creq.Context.UserID)
	assert.Equal(t, "http://mm.example", c.creq.Context.MattermostSiteURL)
	assert.Equal(t, "/plugins/lambda-apps/apps/hello.app", c.creq.Context.AppPath)
	assert.Equal(t, "bot1", c.creq.Context.BotUserID)
	assert.Empty(t, c.creq.Context.BotAccessToken, "clients cannot inject expanded values")
	assert.JSONEq(t, `{"id":"u"}`, string(c.creq.Context.ActingUser))
}

func TestUserCallRefusals(t *testing.T) {
	tests := []struct {
		name, appID, path string
		want              error
	}{
		{"no app id", "", "/x", ErrBadRequest},
		{"not installed", "nope.app", "/x", ErrNotInstalled},
		{"disabled", "off.app", "/x", ErrDisabled},
		{"relative path", "hello.app", "x", ErrBadRequest},
		{"query in path", "hello.app", "/x?y=1", ErrBadRequest},
		{"ping", "hello.app", "/ping", ErrForbiddenPath},
		{"on_install", "hello.app", "/install", ErrForbiddenPath},
		{"on_install uncleaned", "hello.app", "/a/../install/", ErrForbiddenPath},
		{"webhook", "hello.app", "/webhook", ErrForbiddenPath},
		{"under the webhook path", "hello.app", "/webhook/notify", ErrForbiddenPath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := &fakeInvoker{answer: `{}`}
			s := newTestService(t, inv, nil)
			_, err := s.UserCall(context.Background(), "u", &apps.CallRequest{Call: apps.Call{Path: tt.path}, Context: apps.Context{AppID: apps.AppID(tt.appID)}})
			require.ErrorIs(t, err, tt.want)
			assert.Empty(t, inv.calls, "nothing was invoked")
		})
	}
}

func TestCallFailures(t *testing.T) {
	t.Run("no credentials", func(t *testing.T) {
		s := newTestService(t, nil, errors.New("set the keys"))
		_, err := s.UserCall(context.Background(), "u", &apps.CallRequest{Call: apps.Call{Path: "/x"}, Context: apps.Context{AppID: "hello.app"}})
		require.ErrorIs(t, err, ErrUnavailable)
		assert.Contains(t, err.Error(), "set the keys")
	})
	t.Run("lambda error", func(t *testing.T) {
		inv := &fakeInvoker{err: &lambdainvoke.FunctionError{Function: "f", Type: "Runtime.ExitError", Message: "exit status 2"}}
		s := newTestService(t, inv, nil)
		_, err := s.UserCall(context.Background(), "u", &apps.CallRequest{Call: apps.Call{Path: "/x"}, Context: apps.Context{AppID: "hello.app"}})
		require.ErrorIs(t, err, ErrAppFailed)
		var fe *lambdainvoke.FunctionError
		require.ErrorAs(t, err, &fe)
		assert.Contains(t, err.Error(), "Runtime.ExitError: exit status 2")
	})
	t.Run("not a call response", func(t *testing.T) {
		inv := &fakeInvoker{answer: `<html>`}
		s := newTestService(t, inv, nil)
		_, err := s.UserCall(context.Background(), "u", &apps.CallRequest{Call: apps.Call{Path: "/x"}, Context: apps.Context{AppID: "hello.app"}})
		require.ErrorIs(t, err, ErrAppFailed)
		assert.Contains(t, err.Error(), "not a call response")
	})
	t.Run("no aws_lambda", func(t *testing.T) {
		inv := &fakeInvoker{}
		s := newTestService(t, inv, nil)
		app := testApp()
		app.Manifest.AWSLambda = nil
		_, err := s.Call(context.Background(), app, &apps.CallRequest{Call: apps.Call{Path: "/x"}}, "u")
		require.ErrorIs(t, err, ErrNoFunction)
	})
}

func TestNotifyIsAsync(t *testing.T) {
	inv := &fakeInvoker{}
	s := newTestService(t, inv, nil)
	require.NoError(t, s.Notify(context.Background(), testApp(), &apps.CallRequest{Call: apps.Call{Path: "/event"}}, ""))
	require.Len(t, inv.calls, 1)
	assert.True(t, inv.calls[0].async)
	assert.Equal(t, "hello-app_0-1-0_main", inv.calls[0].function)
}

func TestWebhookPathsAreFencedOff(t *testing.T) {
	def := &apps.Manifest{}
	custom := &apps.Manifest{OnRemoteWebhook: apps.NewCall("/hooks/")}
	root := &apps.Manifest{OnRemoteWebhook: apps.NewCall("/")}
	tests := []struct {
		m    *apps.Manifest
		path string
		want bool
	}{
		{def, "/webhook", true},
		{def, "/webhook/notify", true},
		{def, "/webhook-url", false},
		{def, "/webhooks", false},
		{custom, "/hooks/alert", true},
		{custom, "/webhook/alert", false},
		{root, "/", true},
		{root, "/greet", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, isLifecyclePath(tt.m, tt.path), "%+v %s", tt.m.OnRemoteWebhook, tt.path)
	}
}

func TestOnlyCallsAUserStartedMayGetTheirToken(t *testing.T) {
	inv := &fakeInvoker{answer: `{}`}
	s := newTestService(t, inv, nil)
	var got []bool
	s.Expand = expandFunc(func(_ *store.InstalledApp, _ string, userToken bool, _ *apps.CallRequest) error {
		got = append(got, userToken)
		return nil
	})
	_, err := s.UserCall(context.Background(), "u", &apps.CallRequest{Call: apps.Call{Path: "/x"}, Context: apps.Context{AppID: "hello.app"}})
	require.NoError(t, err)
	_, err = s.Call(context.Background(), testApp(), &apps.CallRequest{Call: apps.Call{Path: "/install"}}, "admin")
	require.NoError(t, err)
	_, err = s.BackgroundCall(context.Background(), testApp(), &apps.CallRequest{Call: apps.Call{Path: "/bindings"}}, "admin")
	require.NoError(t, err)
	require.NoError(t, s.Notify(context.Background(), testApp(), &apps.CallRequest{Call: apps.Call{Path: "/event"}}, "u"))
	assert.Equal(t, []bool{true, true, false, false}, got)
}

type recordingLog struct{ lines []string }

func (l *recordingLog) Debug(msg string, kv ...any) { l.add("debug", msg, kv) }
func (l *recordingLog) Warn(msg string, kv ...any)  { l.add("warn", msg, kv) }
func (l *recordingLog) add(level, msg string, kv []any) {
	l.lines = append(l.lines, fmt.Sprint(level, " ", msg, " ", kv))
}

func TestEveryCallIsLoggedOnceWithoutSecrets(t *testing.T) {
	inv := &fakeInvoker{answer: `{"type":"error","text":"nope"}`}
	s := newTestService(t, inv, nil)
	log := &recordingLog{}
	s.Log = log
	s.Expand = expandFunc(func(_ *store.InstalledApp, _ string, _ bool, creq *apps.CallRequest) error {
		creq.Context.BotAccessToken = "secret-bot-token"
		return nil
	})
	_, err := s.UserCall(context.Background(), "u", &apps.CallRequest{Call: apps.Call{Path: "/x"}, Values: map[string]any{"password": "hunter2"}, Context: apps.Context{AppID: "hello.app"}})
	require.NoError(t, err)
	require.Len(t, log.lines, 1)
	assert.Contains(t, log.lines[0], "debug App call")
	for _, want := range []string{"app_id hello.app", "path /x", "function hello-app_0-1-0_main", "outcome app_error", "acting_user_id u", "duration_ms"} {
		assert.Contains(t, log.lines[0], want)
	}

	inv.err = &lambdainvoke.FunctionError{Function: "f", Type: "Runtime.ExitError", Message: "boom"}
	_, err = s.UserCall(context.Background(), "u", &apps.CallRequest{Call: apps.Call{Path: "/x"}, Context: apps.Context{AppID: "hello.app"}})
	require.Error(t, err)
	require.Len(t, log.lines, 2)
	assert.Contains(t, log.lines[1], "warn App call failed")
	assert.Contains(t, log.lines[1], "outcome function_error")
	for _, l := range log.lines {
		assert.NotContains(t, l, "secret-bot-token")
		assert.NotContains(t, l, "hunter2")
	}

	_, err = s.UserCall(context.Background(), "u", &apps.CallRequest{Call: apps.Call{Path: "/ping"}, Context: apps.Context{AppID: "hello.app"}})
	require.Error(t, err)
	assert.Len(t, log.lines, 2, "a refused call never reached the app: nothing to log here (the route answers it)")
}

type sitesFunc func(apps.AppID) (string, string)

func (f sitesFunc) ForApp(id apps.AppID) (string, string) { return f(id) }

func TestCallGivesTheAppItsSiteURL(t *testing.T) {
	inv := &fakeInvoker{answer: `{"text":"hi"}`}
	s := newTestService(t, inv, nil)
	s.Sites = sitesFunc(func(id apps.AppID) (string, string) {
		return "http://mm.example/plugins/lambda-apps/compat", "/plugins/com.mattermost.apps/apps/" + string(id)
	})
	_, err := s.UserCall(context.Background(), "u", &apps.CallRequest{Call: apps.Call{Path: "/do"}, Context: apps.Context{AppID: "hello.app"}})
	require.NoError(t, err)
	require.Len(t, inv.calls, 1)
	assert.Equal(t, "http://mm.example/plugins/lambda-apps/compat", inv.calls[0].creq.Context.MattermostSiteURL)
	assert.Equal(t, "/plugins/com.mattermost.apps/apps/hello.app", inv.calls[0].creq.Context.AppPath)
}

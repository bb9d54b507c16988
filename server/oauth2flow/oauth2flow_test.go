package oauth2flow

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/pluginapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/failure"
	"github.com/lambda-apps/lambda-apps/server/store"
)

const appID = apps.AppID("hello")

type fakeApps map[apps.AppID]*store.InstalledApp

func (f fakeApps) Get(id apps.AppID) (*store.InstalledApp, error) {
	if a, ok := f[id]; ok {
		return a, nil
	}
	return nil, fmt.Errorf("%s: %w", id, store.ErrNotFound)
}

func installed(id apps.AppID, perms ...apps.Permission) *store.InstalledApp {
	return &store.InstalledApp{
		Manifest:           apps.Manifest{AppID: id, Version: "1.0.0", DisplayName: "Hello " + string(id)},
		GrantedPermissions: perms,
	}
}

// fakeCalls answers calls by path and records them.
type fakeCalls struct {
	mu      sync.Mutex
	answers map[string]func(creq *apps.CallRequest) (*apps.CallResponse, error)
	got     []*apps.CallRequest
	users   []string
}

func (f *fakeCalls) Call(_ context.Context, _ *store.InstalledApp, creq *apps.CallRequest, actingUserID string) (*apps.CallResponse, error) {
	f.mu.Lock()
	f.got = append(f.got, creq)
	f.users = append(f.users, actingUserID)
	answer := f.answers[creq.Path]
	f.mu.Unlock()
	if answer == nil {
		return nil, fmt.Errorf("no function serves %s", creq.Path)
	}
	return answer(creq)
}

func (f *fakeCalls) paths() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.got {
		out = append(out, c.Path)
	}
	return out
}

// recordingLog keeps every line logged, with its values.
type recordingLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *recordingLog) add(msg string, kv ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprint(append([]any{msg}, kv...)...))
}
func (l *recordingLog) Debug(msg string, kv ...any) { l.add(msg, kv...) }
func (l *recordingLog) Warn(msg string, kv ...any)  { l.add(msg, kv...) }

func (l *recordingLog) all() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	svc   *Service
	kv    *pluginapi.MemoryStore
	apps  fakeApps
	calls *fakeCalls
	log   *recordingLog
	clock *clock
}

const providerURL = "https://remote.example.com/authorize?client_id=c1"

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{
		kv: &pluginapi.MemoryStore{},
		apps: fakeApps{
			appID:     installed(appID, apps.PermissionActAsUser, apps.PermissionRemoteOAuth2),
			"other":   installed("other", apps.PermissionActAsUser, apps.PermissionRemoteOAuth2),
			"nooauth": installed("nooauth", apps.PermissionActAsUser),
		},
		calls: &fakeCalls{answers: map[string]func(*apps.CallRequest) (*apps.CallResponse, error){
			apps.DefaultGetOAuth2ConnectURLPath: func(creq *apps.CallRequest) (*apps.CallResponse, error) {
				return &apps.CallResponse{Type: apps.CallResponseTypeOK, Data: providerURL + "&state=" + creq.Values["state"].(string)}, nil
			},
			apps.DefaultOnOAuth2CompletePath: func(*apps.CallRequest) (*apps.CallResponse, error) {
				return &apps.CallResponse{Type: apps.CallResponseTypeOK}, nil
			},
		}},
		log:   &recordingLog{},
		clock: &clock{now: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)},
	}
	f.apps["disabled"] = installed("disabled", apps.PermissionActAsUser, apps.PermissionRemoteOAuth2)
	f.apps["disabled"].Disabled = true
	f.svc = New(Deps{Apps: f.apps, Calls: f.calls, KV: f.kv, Log: f.log, Now: f.clock.Now})
	return f
}

// connect starts a connection and returns its state.
func (f *fixture) connect(t *testing.T, userID string, id apps.AppID) string {
	t.Helper()
	target, err := f.svc.Connect(context.Background(), userID, id)
	require.NoError(t, err)
	u, err := url.Parse(target)
	require.NoError(t, err)
	state := u.Query().Get("state")
	require.True(t, validState(state), "state %q", state)
	return state
}

func (f *fixture) stateKeys(t *testing.T) []string {
	t.Helper()
	keys, err := f.kv.ListKeys(0, 100, pluginapi.WithPrefix(store.AppDataPrefix))
	require.NoError(t, err)
	return keys
}

func TestConnectThenComplete(t *testing.T) {
	f := newFixture(t)
	target, err := f.svc.Connect(context.Background(), "u1", appID)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(target, providerURL+"&state="), target)
	state := strings.TrimPrefix(target, providerURL+"&state=")
	assert.Len(t, state, 43, "256 random bits, base64url")

	require.Len(t, f.calls.got, 1)
	connect := f.calls.got[0]
	assert.Equal(t, apps.DefaultGetOAuth2ConnectURLPath, connect.Path)
	assert.Equal(t, map[string]any{"state": state}, connect.Values)
	assert.Equal(t, "u1", f.calls.users[0], "the browser's user is the acting user")
	assert.Equal(t, appID, connect.Context.AppID)
	require.NotNil(t, connect.Expand)
	assert.Equal(t, apps.ExpandAll, connect.Expand.OAuth2App, "v1.2's default expand")
	assert.Equal(t, apps.ExpandAll, connect.Expand.ActingUserAccessToken)
	assert.Equal(t, []string{store.OAuth2StateKey(appID, "u1", state)}, f.stateKeys(t), "one pending state, bound to the app and user")

	err = f.svc.Complete(context.Background(), "u1", appID, map[string]string{"state": state, "code": "the-code"})
	require.NoError(t, err)
	require.Len(t, f.calls.got, 2)
	complete := f.calls.got[1]
	assert.Equal(t, apps.DefaultOnOAuth2CompletePath, complete.Path)
	assert.Equal(t, map[string]any{"state": state, "code": "the-code"}, complete.Values, "the query values, as they came")
	assert.Equal(t, "u1", f.calls.users[1])
	assert.Equal(t, apps.ExpandAll, complete.Expand.OAuth2User)
	assert.Empty(t, f.stateKeys(t), "the state is consumed")

	assert.NotContains(t, f.log.all(), state, "states are never logged")
	assert.NotContains(t, f.log.all(), "the-code", "codes are never logged")
}

func TestManifestCalls(t *testing.T) {
	f := newFixture(t)
	app := f.apps[appID]
	app.Manifest.GetOAuth2ConnectURL = &apps.Call{Path: "/connect-here"} // no expand: the default's
	app.Manifest.OnOAuth2Complete = &apps.Call{Expand: &apps.Expand{ActingUser: apps.ExpandID}}
	f.calls.answers["/connect-here"] = f.calls.answers[apps.DefaultGetOAuth2ConnectURLPath]
	state := f.connect(t, "u1", appID)
	require.NoError(t, f.svc.Complete(context.Background(), "u1", appID, map[string]string{"state": state}))
	assert.Equal(t, []string{"/connect-here", apps.DefaultOnOAuth2CompletePath}, f.calls.paths())
	assert.Equal(t, apps.ExpandAll, f.calls.got[0].Expand.OAuth2App)
	assert.Equal(t, &apps.Expand{ActingUser: apps.ExpandID}, f.calls.got[1].Expand, "the manifest's expand, as it is")
	assert.Nil(t, f.apps[appID].Manifest.GetOAuth2ConnectURL.Expand, "the manifest is not changed")
}

func TestCompleteRefusals(t *testing.T) {
	tests := []struct {
		name string
		// prepare returns the user, app and values of the completion.
		prepare func(t *testing.T, f *fixture) (string, apps.AppID, map[string]string)
		want    error
		kind    failure.Kind
	}{
		{"no state", func(*testing.T, *fixture) (string, apps.AppID, map[string]string) {
			return "u1", appID, map[string]string{"code": "c"}
		}, ErrNoState, failure.BadRequest},
		{"malformed state", func(*testing.T, *fixture) (string, apps.AppID, map[string]string) {
			return "u1", appID, map[string]string{"state": "../../app/hello", "code": "c"}
		}, ErrNoState, failure.BadRequest},
		{"unknown state", func(*testing.T, *fixture) (string, apps.AppID, map[string]string) {
			return "u1", appID, map[string]string{"state": strings.Repeat("A", 43), "code": "c"}
		}, ErrStaleState, failure.Forbidden},
		{"expired state", func(t *testing.T, f *fixture) (string, apps.AppID, map[string]string) {
			state := f.connect(t, "u1", appID)
			f.clock.advance(StateLifetime)
			return "u1", appID, map[string]string{"state": state, "code": "c"}
		}, ErrStaleState, failure.Forbidden},
		{"replayed state", func(t *testing.T, f *fixture) (string, apps.AppID, map[string]string) {
			state := f.connect(t, "u1", appID)
			require.NoError(t, f.svc.Complete(context.Background(), "u1", appID, map[string]string{"state": state, "code": "c"}))
			return "u1", appID, map[string]string{"state": state, "code": "c"}
		}, ErrStaleState, failure.Forbidden},
		{"another user's state", func(t *testing.T, f *fixture) (string, apps.AppID, map[string]string) {
			state := f.connect(t, "u1", appID)
			return "u2", appID, map[string]string{"state": state, "code": "c"}
		}, ErrStaleState, failure.Forbidden},
		{"another app's state", func(t *testing.T, f *fixture) (string, apps.AppID, map[string]string) {
			state := f.connect(t, "u1", "other")
			return "u1", appID, map[string]string{"state": state, "code": "c"}
		}, ErrStaleState, failure.Forbidden},
		{"app not granted remote_oauth2", func(t *testing.T, f *fixture) (string, apps.AppID, map[string]string) {
			state := f.connect(t, "u1", appID)
			return "u1", "nooauth", map[string]string{"state": state}
		}, ErrNotGranted, failure.Forbidden},
		{"app disabled", func(*testing.T, *fixture) (string, apps.AppID, map[string]string) {
			return "u1", "disabled", map[string]string{"state": strings.Repeat("A", 43)}
		}, ErrDisabled, failure.Forbidden},
		{"app not installed", func(*testing.T, *fixture) (string, apps.AppID, map[string]string) {
			return "u1", "nope", map[string]string{"state": strings.Repeat("A", 43)}
		}, ErrNotInstalled, failure.NotFound},
		{"no user", func(t *testing.T, f *fixture) (string, apps.AppID, map[string]string) {
			return "", appID, map[string]string{"state": f.connect(t, "u1", appID)}
		}, nil, failure.Unauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			user, id, values := tc.prepare(t, f)
			before := len(f.calls.paths())
			err := f.svc.Complete(context.Background(), user, id, values)
			require.Error(t, err)
			if tc.want != nil {
				assert.ErrorIs(t, err, tc.want)
			}
			assert.Equal(t, tc.kind, failure.KindOf(err), "%v", err)
			assert.Len(t, f.calls.paths(), before, "on_oauth2_complete is not called")
			if values["state"] != "" {
				assert.NotContains(t, f.log.all(), values["state"], "states are never logged")
			}
		})
	}
}

func TestStateOfAnotherUserStaysUsable(t *testing.T) {
	f := newFixture(t)
	state := f.connect(t, "u1", appID)
	err := f.svc.Complete(context.Background(), "u2", appID, map[string]string{"state": state})
	require.ErrorIs(t, err, ErrStaleState)
	require.NoError(t, f.svc.Complete(context.Background(), "u1", appID, map[string]string{"state": state}),
		"another user's attempt does not spend the owner's state")
}

func TestStateExpiresAfterLifetime(t *testing.T) {
	f := newFixture(t)
	state := f.connect(t, "u1", appID)
	f.clock.advance(StateLifetime - time.Second)
	require.NoError(t, f.svc.Complete(context.Background(), "u1", appID, map[string]string{"state": state}), "valid until its lifetime is over")
}

func TestCompleteAppAnswers(t *testing.T) {
	tests := []struct {
		name   string
		answer func(*apps.CallRequest) (*apps.CallResponse, error)
		want   string
	}{
		{"error", func(*apps.CallRequest) (*apps.CallResponse, error) {
			return &apps.CallResponse{Type: apps.CallResponseTypeError, Text: "the code was refused"}, nil
		}, "the app refused to complete the connection: the code was refused"},
		{"a form", func(*apps.CallRequest) (*apps.CallResponse, error) {
			return &apps.CallResponse{Type: apps.CallResponseTypeForm}, nil
		}, `answered "form", expected ok`},
		{"call failed", func(*apps.CallRequest) (*apps.CallResponse, error) {
			return nil, failure.New(failure.Upstream, "the app hello did not answer in time")
		}, "did not answer in time"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.calls.answers[apps.DefaultOnOAuth2CompletePath] = tc.answer
			state := f.connect(t, "u1", appID)
			err := f.svc.Complete(context.Background(), "u1", appID, map[string]string{"state": state})
			require.Error(t, err)
			assert.Contains(t, failure.Message(err), tc.want)
			assert.Equal(t, failure.Upstream, failure.KindOf(err))
			assert.False(t, IsStateError(err))
			assert.Empty(t, f.stateKeys(t), "the state was spent: the user starts again")
		})
	}
}

func TestConnectRefusals(t *testing.T) {
	ok := func(data any) func(*apps.CallRequest) (*apps.CallResponse, error) {
		return func(*apps.CallRequest) (*apps.CallResponse, error) {
			return &apps.CallResponse{Type: apps.CallResponseTypeOK, Data: data}, nil
		}
	}
	tests := []struct {
		name   string
		app    apps.AppID
		answer func(*apps.CallRequest) (*apps.CallResponse, error)
		want   error
		kind   failure.Kind
	}{
		{"not granted remote_oauth2", "nooauth", nil, ErrNotGranted, failure.Forbidden},
		{"disabled", "disabled", nil, ErrDisabled, failure.Forbidden},
		{"not installed", "nope", nil, ErrNotInstalled, failure.NotFound},
		{"invalid app ID", "../x", nil, ErrNotInstalled, failure.NotFound},
		{"app answers an error", appID, func(*apps.CallRequest) (*apps.CallResponse, error) {
			return &apps.CallResponse{Type: apps.CallResponseTypeError, Text: "configure me first"}, nil
		}, ErrAppRefused, failure.Upstream},
		{"app answers a navigate", appID, func(*apps.CallRequest) (*apps.CallResponse, error) {
			return &apps.CallResponse{Type: apps.CallResponseTypeNavigate, NavigateToURL: "https://x.example.com"}, nil
		}, ErrAppRefused, failure.Upstream},
		{"no data", appID, ok(nil), ErrBadConnect, failure.Upstream},
		{"data not a string", appID, ok(map[string]any{"url": "https://x.example.com"}), ErrBadConnect, failure.Upstream},
		{"relative URL", appID, ok("/authorize"), ErrBadConnect, failure.Upstream},
		{"javascript URL", appID, ok("javascript:alert(1)"), ErrBadConnect, failure.Upstream},
		{"ftp URL", appID, ok("ftp://x.example.com/a"), ErrBadConnect, failure.Upstream},
		{"no host", appID, ok("https:///authorize"), ErrBadConnect, failure.Upstream},
		{"not a URL", appID, ok("https://x.example.com/%zz"), ErrBadConnect, failure.Upstream},
		{"too long", appID, ok("https://x.example.com/?q=" + strings.Repeat("a", maxConnectURL)), ErrBadConnect, failure.Upstream},
		{"call failed", appID, func(*apps.CallRequest) (*apps.CallResponse, error) {
			return nil, errors.New("lambda is down")
		}, nil, failure.Internal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			if tc.answer != nil {
				f.calls.answers[apps.DefaultGetOAuth2ConnectURLPath] = tc.answer
			}
			target, err := f.svc.Connect(context.Background(), "u1", tc.app)
			require.Error(t, err)
			assert.Empty(t, target)
			if tc.want != nil {
				assert.ErrorIs(t, err, tc.want)
			}
			assert.Equal(t, tc.kind, failure.KindOf(err), "%v", err)
			assert.Empty(t, f.stateKeys(t), "no state is left waiting")
		})
	}
}

// racingKV lets every reader of a key read it before anyone writes it: a
// check-then-delete would let each of them through.
type racingKV struct {
	*pluginapi.MemoryStore
	readers sync.WaitGroup
}

func (k *racingKV) Get(key string, o any) error {
	err := k.MemoryStore.Get(key, o)
	k.readers.Done()
	k.readers.Wait()
	return err
}

func TestConcurrentCompletionsUseTheStateOnce(t *testing.T) {
	f := newFixture(t)
	state := f.connect(t, "u1", appID)
	const n = 8
	kv := &racingKV{MemoryStore: f.kv}
	kv.readers.Add(n)
	svc := New(Deps{Apps: f.apps, Calls: f.calls, KV: kv, Log: f.log, Now: f.clock.Now})

	errs := make(chan error, n)
	for range n {
		go func() {
			errs <- svc.Complete(context.Background(), "u1", appID, map[string]string{"state": state})
		}()
	}
	succeeded := 0
	deadline := time.After(30 * time.Second)
	for range n {
		select {
		case err := <-errs:
			if err == nil {
				succeeded++
			} else {
				assert.ErrorIs(t, err, ErrStaleState)
			}
		case <-deadline:
			t.Fatal("the completions did not end")
		}
	}
	assert.Equal(t, 1, succeeded, "exactly one completion wins")
	assert.Equal(t, 1, strings.Count(strings.Join(f.calls.paths(), " "), apps.DefaultOnOAuth2CompletePath))
}

func TestStateKeyFitsTheKVStore(t *testing.T) {
	f := newFixture(t)
	id := apps.AppID(strings.Repeat("a", 32))
	f.apps[id] = installed(id, apps.PermissionActAsUser, apps.PermissionRemoteOAuth2)
	state := f.connect(t, strings.Repeat("u", 26), id)
	key := store.OAuth2StateKey(id, strings.Repeat("u", 26), state)
	assert.LessOrEqual(t, len(key), 150, "Mattermost's KV keys are at most 150 characters")
}

func TestRandomFailure(t *testing.T) {
	f := newFixture(t)
	svc := New(Deps{Apps: f.apps, Calls: f.calls, KV: f.kv, Log: f.log, Random: strings.NewReader("short")})
	_, err := svc.Connect(context.Background(), "u1", appID)
	require.Error(t, err)
	assert.Equal(t, "could not start the connection", failure.Message(err))
	assert.Empty(t, f.calls.paths(), "no call without a state")
}

func TestDisplayName(t *testing.T) {
	f := newFixture(t)
	assert.Equal(t, "Hello hello", f.svc.DisplayName(appID))
	f.apps["bare"] = &store.InstalledApp{Manifest: apps.Manifest{AppID: "bare"}}
	assert.Equal(t, "bare", f.svc.DisplayName("bare"))
	assert.Empty(t, f.svc.DisplayName("nope"))
}

func TestConnectURLHeaderInjectionRefused(t *testing.T) {
	f := newFixture(t)
	f.calls.answers[apps.DefaultGetOAuth2ConnectURLPath] = func(*apps.CallRequest) (*apps.CallResponse, error) {
		return &apps.CallResponse{Type: apps.CallResponseTypeOK, Data: "https://x.example.com/\r\nSet-Cookie: a=b"}, nil
	}
	_, err := f.svc.Connect(context.Background(), "u1", appID)
	require.ErrorIs(t, err, ErrBadConnect)
}

package appservices_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
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
	"github.com/lambda-apps/lambda-apps/server/httpapi"
	"github.com/lambda-apps/lambda-apps/server/store"
	"github.com/lambda-apps/lambda-apps/server/tokens"
)

// Users of the tests (26-character IDs, as Mattermost's).
const (
	alice    = "aliceaaaaaaaaaaaaaaaaaaaaa"
	admin    = "adminaaaaaaaaaaaaaaaaaaaaa"
	helloBot = "hellobotaaaaaaaaaaaaaaaaaa"
	otherBot = "otherbotaaaaaaaaaaaaaaaaaa"
)

// Secrets stored in the tests: none may reach a log.
const (
	appSecret  = "S3CRET-client-secret"
	userSecret = "S3CRET-user-token"
	kvSecret   = "S3CRET-kv-value"
)

// fakeSessions is the server's sessions, created by the real token issuer.
type fakeSessions struct {
	mu       sync.Mutex
	n        int
	sessions map[string]*model.Session // by ID
	byToken  map[string]string         // token -> session ID
}

func (f *fakeSessions) CreateSession(userID string, appID apps.AppID, expiresAt time.Time) (string, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	id, tok := fmt.Sprintf("session%d", f.n), fmt.Sprintf("token%d", f.n)
	f.sessions[id] = &model.Session{Id: id, Token: tok, UserId: userID, ExpiresAt: expiresAt.UnixMilli(),
		Props: model.StringMap{appservices.SessionPropAppID: string(appID)}}
	f.byToken[tok] = id
	return id, tok, nil
}

func (f *fakeSessions) RevokeSession(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.sessions, id)
	return nil
}

func (f *fakeSessions) GetSession(id string) (*model.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[id]
	if !ok {
		return nil, pluginapi.ErrNotFound
	}
	c := *s
	return &c, nil
}

// personal adds a person's own session (a login or personal access token).
func (f *fakeSessions) personal(userID string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := "personal-" + userID
	f.sessions[id] = &model.Session{Id: id, UserId: userID, ExpiresAt: time.Now().Add(time.Hour).UnixMilli(),
		Props: model.StringMap{"type": "UserAccessToken"}}
	return id
}

type fakeUsers struct{}

func (fakeUsers) GetUser(id string) (*model.User, error) {
	return &model.User{Id: id, IsBot: strings.HasSuffix(strings.TrimRight(id, "a"), "bot")}, nil
}
func (fakeUsers) IsSystemAdmin(id string) bool { return id == admin }

// recordingLog records every log call, with its key-value pairs.
type recordingLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *recordingLog) add(level, msg string, kv ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, level+" "+msg+" "+fmt.Sprint(kv...))
}
func (l *recordingLog) Error(msg string, kv ...any) { l.add("error", msg, kv...) }
func (l *recordingLog) Warn(msg string, kv ...any)  { l.add("warn", msg, kv...) }
func (l *recordingLog) Debug(msg string, kv ...any) { l.add("debug", msg, kv...) }
func (l *recordingLog) Info(msg string, kv ...any)  { l.add("info", msg, kv...) }

type fixture struct {
	t         *testing.T
	kv        *pluginapi.MemoryStore
	apps      *store.Apps
	sessions  *fakeSessions
	issuer    *tokens.Issuer
	svc       *appservices.Service
	router    http.Handler
	log       *recordingLog
	refreshed []string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, kv: &pluginapi.MemoryStore{}, log: &recordingLog{},
		sessions: &fakeSessions{sessions: map[string]*model.Session{}, byToken: map[string]string{}}}
	f.apps = store.NewApps(f.kv, nil)
	for _, a := range []*store.InstalledApp{
		{Manifest: apps.Manifest{AppID: "hello"}, BotUserID: helloBot, GrantedPermissions: []apps.Permission{
			apps.PermissionActAsBot, apps.PermissionActAsUser, apps.PermissionRemoteOAuth2}},
		{Manifest: apps.Manifest{AppID: "other"}, BotUserID: otherBot, GrantedPermissions: []apps.Permission{
			apps.PermissionActAsBot, apps.PermissionActAsUser}},
		{Manifest: apps.Manifest{AppID: "off"}, Disabled: true, GrantedPermissions: []apps.Permission{apps.PermissionActAsUser}},
	} {
		require.NoError(t, f.apps.Put(a))
	}
	f.issuer = &tokens.Issuer{API: f.sessions, KV: f.kv, Log: f.log}
	t.Cleanup(f.issuer.Stop)
	var mu sync.Mutex
	f.svc = appservices.New(appservices.Deps{
		Sessions: f.sessions, Apps: f.apps, Users: fakeUsers{}, Tokens: f.issuer, KV: f.kv, Log: f.log,
		RefreshBindings: func(userID string) {
			mu.Lock()
			defer mu.Unlock()
			f.refreshed = append(f.refreshed, "refresh:"+userID)
		},
	})
	f.router = httpapi.NewRouter(httpapi.Deps{Log: f.log, AppServices: f.svc})
	return f
}

// token returns the session of the token the plugin gives app for user.
func (f *fixture) token(app apps.AppID, user string) string {
	tok, err := f.issuer.Token(app, user)
	require.NoError(f.t, err)
	return f.sessions.byToken[tok]
}

// do sends a request as the server would after authenticating sessionID.
func (f *fixture) do(method, path, sessionID, body string) (int, string) {
	var r *http.Request
	if body == "" {
		r = httptest.NewRequest(method, path, nil)
	} else {
		r = httptest.NewRequest(method, path, strings.NewReader(body))
	}
	if sessionID != "" {
		s, err := f.sessions.GetSession(sessionID)
		if err == nil {
			r.Header.Set(httpapi.UserIDHeader, s.UserId)
		}
		r = r.WithContext(httpapi.WithSessionID(r.Context(), sessionID))
	}
	w := httptest.NewRecorder()
	f.router.ServeHTTP(w, r)
	return w.Code, strings.TrimSpace(w.Body.String())
}

func TestAppServicesAPI(t *testing.T) {
	f := newFixture(t)
	aliceHello, adminHello, botHello := f.token("hello", alice), f.token("hello", admin), f.token("hello", helloBot)
	aliceOther, adminOther, aliceOff := f.token("other", alice), f.token("other", admin), f.token("off", alice)
	personal := f.sessions.personal(alice)
	big := `"` + strings.Repeat("x", appservices.MaxValueSize-2) + `"` // exactly 8192 bytes
	oauth2App := `{"client_id":"cid","client_secret":"` + appSecret + `","remote_root_url":"https://remote.example.com","data":{"k":"v"}}`

	// Steps run in order on one store: later ones see what earlier ones stored.
	steps := []struct {
		name                 string
		method, path, caller string
		body                 string
		want                 int
		wantBody             string // JSON, or a substring of an error (prefix "~")
	}{
		{"missing key reads as {}", "GET", "/api/v1/kv/k1", aliceHello, "", 200, `{}`},
		{"set", "PUT", "/api/v1/kv/k1", aliceHello, `{"a":"` + kvSecret + `"}`, 200, `{"changed":true}`},
		{"get", "GET", "/api/v1/kv/k1", aliceHello, "", 200, `{"a":"` + kvSecret + `"}`},
		{"same value again: not changed", "POST", "/api/v1/kv/k1", aliceHello, `{"a":"` + kvSecret + `"}`, 200, `{"changed":false}`},
		{"new value: changed", "POST", "/api/v1/kv/k1", aliceHello, `{"a":2}`, 200, `{"changed":true}`},
		{"prefixed set", "PUT", "/api/v1/kv/ab/k1", aliceHello, `"x"`, 200, `{"changed":true}`},
		{"prefixed get", "GET", "/api/v1/kv/ab/k1", aliceHello, "", 200, `"x"`},
		{"a prefix is its own namespace", "GET", "/api/v1/kv/k1", aliceHello, "", 200, `{"a":2}`},
		{"one-character prefix", "GET", "/api/v1/kv/a/k1", aliceHello, "", 200, `{}`},
		{"the bot's token has its own data", "GET", "/api/v1/kv/k1", botHello, "", 200, `{}`},
		{"another app cannot read it", "GET", "/api/v1/kv/k1", aliceOther, "", 200, `{}`},
		{"another app cannot delete it", "DELETE", "/api/v1/kv/k1", aliceOther, "", 200, `{}`},
		{"still there", "GET", "/api/v1/kv/k1", aliceHello, "", 200, `{"a":2}`},
		{"prefix of 3 characters", "PUT", "/api/v1/kv/abc/k1", aliceHello, `1`, 400, "~longer than the limit of 2"},
		{"prefix of 3 characters (get)", "GET", "/api/v1/kv/abc/k1", aliceHello, "", 400, "~longer than the limit of 2"},
		{"invalid JSON", "PUT", "/api/v1/kv/k2", aliceHello, `{"a":`, 400, "~not valid JSON"},
		{"empty body", "PUT", "/api/v1/kv/k2", aliceHello, "", 400, "~not valid JSON"},
		{"8192 bytes", "PUT", "/api/v1/kv/k2", aliceHello, big, 200, `{"changed":true}`},
		{"8193 bytes", "PUT", "/api/v1/kv/k2", aliceHello, big + " ", 413, "~8192 bytes"},
		{"delete", "DELETE", "/api/v1/kv/k1", aliceHello, "", 200, `{}`},
		{"deleted", "GET", "/api/v1/kv/k1", aliceHello, "", 200, `{}`},
		{"delete a missing key", "DELETE", "/api/v1/kv/nothing", aliceHello, "", 200, `{}`},

		{"a person's own session", "GET", "/api/v1/kv/k1", personal, "", 403, "~this API is for apps"},
		{"a person's own session (oauth2)", "GET", "/api/v1/oauth2/user", personal, "", 403, "~this API is for apps"},
		{"no session", "GET", "/api/v1/kv/k1", "", "", 401, "~not authenticated"},
		{"a disabled app", "GET", "/api/v1/kv/k1", aliceOff, "", 403, "~disabled"},

		{"app OAuth2 by a non-admin", "POST", "/api/v1/oauth2/app", aliceHello, oauth2App, 403, "~system admin"},
		{"app OAuth2 by the bot", "POST", "/api/v1/oauth2/app", botHello, oauth2App, 403, "~bots may not"},
		{"app OAuth2 without remote_oauth2", "POST", "/api/v1/oauth2/app", adminOther, oauth2App, 403, "~remote_oauth2"},
		{"app OAuth2 not an object", "PUT", "/api/v1/oauth2/app", adminHello, `[1]`, 400, "~JSON object"},
		{"app OAuth2 with a wrong type", "PUT", "/api/v1/oauth2/app", adminHello, `{"client_secret":7}`, 400, "~JSON object"},
		{"app OAuth2 too large", "PUT", "/api/v1/oauth2/app", adminHello, big + " ", 413, "~8192 bytes"},
		{"app OAuth2 by an admin", "POST", "/api/v1/oauth2/app", adminHello, oauth2App, 200, `{}`},

		{"user OAuth2 by the bot", "POST", "/api/v1/oauth2/user", botHello, `{"t":1}`, 403, "~bots may not"},
		{"user OAuth2 read by the bot", "GET", "/api/v1/oauth2/user", botHello, "", 403, "~bots may not"},
		{"user OAuth2 without remote_oauth2", "POST", "/api/v1/oauth2/user", aliceOther, `{"t":1}`, 403, "~remote_oauth2"},
		{"user OAuth2 read without remote_oauth2", "GET", "/api/v1/oauth2/user", aliceOther, "", 403, "~remote_oauth2"},
		{"no user OAuth2 data yet", "GET", "/api/v1/oauth2/user", aliceHello, "", 200, `{}`},
		{"user OAuth2 invalid JSON", "PUT", "/api/v1/oauth2/user", aliceHello, `{`, 400, "~not valid JSON"},
		{"user OAuth2 too large", "PUT", "/api/v1/oauth2/user", aliceHello, big + " ", 413, "~8192 bytes"},
		{"user OAuth2 store", "PUT", "/api/v1/oauth2/user", aliceHello, `{"token":"` + userSecret + `"}`, 200, `{}`},
		{"user OAuth2 read", "GET", "/api/v1/oauth2/user", aliceHello, "", 200, `{"token":"` + userSecret + `"}`},
		{"user OAuth2 is per user", "GET", "/api/v1/oauth2/user", adminHello, "", 200, `{}`},
	}
	for _, s := range steps {
		code, body := f.do(s.method, s.path, s.caller, s.body)
		if !assert.Equal(t, s.want, code, "%s: %s %s: %s", s.name, s.method, s.path, body) {
			continue
		}
		if msg, isErr := strings.CutPrefix(s.wantBody, "~"); isErr {
			assert.Contains(t, body, msg, s.name)
		} else {
			assert.JSONEq(t, s.wantBody, body, s.name)
		}
	}

	// The OAuth2 data reaches the call context (expand) as stored.
	oa, err := f.svc.RemoteOAuth2App("hello")
	require.NoError(t, err)
	assert.Equal(t, apps.OAuth2App{ClientID: "cid", ClientSecret: appSecret, RemoteRootURL: "https://remote.example.com",
		Data: json.RawMessage(`{"k":"v"}`)}, oa)
	u, err := f.svc.RemoteOAuth2User("hello", alice)
	require.NoError(t, err)
	assert.JSONEq(t, `{"token":"`+userSecret+`"}`, string(u))
	assert.Equal(t, []string{"refresh:", "refresh:" + alice}, f.refreshed, "bindings refresh after each OAuth2 change")

	// Storing the same OAuth2 data again changes nothing.
	code, _ := f.do("PUT", "/api/v1/oauth2/app", adminHello, oauth2App)
	require.Equal(t, 200, code)
	assert.Len(t, f.refreshed, 2)

	// A revoked token is refused at once (the plugin revokes an app's
	// tokens when it is disabled, uninstalled or upgraded).
	require.NoError(t, f.issuer.RevokeApp("hello"))
	code, body := f.do("GET", "/api/v1/kv/k2", aliceHello, "")
	assert.Equal(t, http.StatusUnauthorized, code, body)

	// Secrets never reach the log.
	require.NotEmpty(t, f.log.lines, "the log was recorded")
	for _, line := range f.log.lines {
		assert.NotContains(t, line, "S3CRET", "a stored value reached the log")
	}
}

// A session that claims an app but that the plugin did not issue (or no
// longer records) is refused, and so is a session of another user.
func TestCallerNeedsATokenThePluginIssued(t *testing.T) {
	f := newFixture(t)
	sess := f.token("hello", alice)
	c, err := f.svc.Caller(sess, alice)
	require.NoError(t, err)
	assert.Equal(t, apps.AppID("hello"), c.App.ID())
	assert.Equal(t, alice, c.UserID)

	_, err = f.svc.Caller(sess, admin)
	assert.ErrorIs(t, err, appservices.ErrTokenInvalid, "the session is alice's")

	f.sessions.mu.Lock()
	f.sessions.sessions["forged"] = &model.Session{Id: "forged", UserId: alice, ExpiresAt: time.Now().Add(time.Hour).UnixMilli(),
		Props: model.StringMap{appservices.SessionPropAppID: "hello"}}
	f.sessions.sessions["expired"] = &model.Session{Id: "expired", UserId: alice, ExpiresAt: time.Now().Add(-time.Minute).UnixMilli(),
		Props: model.StringMap{appservices.SessionPropAppID: "hello"}}
	f.sessions.mu.Unlock()
	_, err = f.svc.Caller("forged", alice)
	assert.ErrorIs(t, err, appservices.ErrTokenInvalid, "not recorded by the token issuer")
	_, err = f.svc.Caller("expired", alice)
	assert.ErrorIs(t, err, appservices.ErrTokenInvalid)
	_, err = f.svc.Caller("gone", alice)
	assert.ErrorIs(t, err, appservices.ErrTokenInvalid)
	_, err = f.svc.Caller("", alice)
	assert.ErrorIs(t, err, appservices.ErrNotAnApp)

	// Uninstalled: the record goes, the token is refused.
	require.NoError(t, f.apps.Delete("hello"))
	_, err = f.svc.Caller(sess, alice)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not installed")
}

// Uninstalling an app discards everything it stored: the same deletion
// the install service's Uninstall runs (store.Apps.DeleteAppData).
func TestUninstallDiscardsTheAppsData(t *testing.T) {
	f := newFixture(t)
	hello, other := &appservices.Caller{UserID: alice}, &appservices.Caller{UserID: alice}
	var err error
	hello.App, err = f.apps.Get("hello")
	require.NoError(t, err)
	other.App, err = f.apps.Get("other")
	require.NoError(t, err)
	adminHello := &appservices.Caller{App: hello.App, UserID: admin}

	_, err = f.svc.KVSet(hello, "", "k", []byte(`1`))
	require.NoError(t, err)
	_, err = f.svc.KVSet(hello, "p", "k", []byte(`2`))
	require.NoError(t, err)
	_, err = f.svc.KVSet(other, "", "k", []byte(`3`))
	require.NoError(t, err)
	require.NoError(t, f.svc.StoreOAuth2App(adminHello, []byte(`{"client_secret":"`+appSecret+`"}`)))
	require.NoError(t, f.svc.StoreOAuth2User(hello, []byte(`{"t":1}`)))
	keys, err := f.kv.ListKeys(0, 100, pluginapi.WithPrefix(store.AppDataPrefix+"hello/"))
	require.NoError(t, err)
	require.Len(t, keys, 4)
	for _, k := range keys {
		assert.LessOrEqual(t, len(k), model.KeyValueKeyMaxRunes)
	}

	require.NoError(t, f.apps.DeleteAppData("hello"))

	for _, p := range []string{"", "p"} {
		v, err := f.svc.KVGet(hello, p, "k")
		require.NoError(t, err)
		assert.JSONEq(t, `{}`, string(v))
	}
	oa, err := f.svc.RemoteOAuth2App("hello")
	require.NoError(t, err)
	assert.Empty(t, oa.ClientSecret)
	u, err := f.svc.OAuth2User(hello)
	require.NoError(t, err)
	assert.JSONEq(t, `{}`, string(u))
	v, err := f.svc.KVGet(other, "", "k")
	require.NoError(t, err)
	assert.JSONEq(t, `3`, string(v), "other apps keep their data")
}

// Keys of any length fit Mattermost's KV keys, and distinct prefix/key
// pairs get distinct keys.
func TestKVKeys(t *testing.T) {
	long := strings.Repeat("k", 1000)
	k := store.AppKVKey("an-app-id-of-thirty-two-chars-xx", alice, "ab", long)
	assert.LessOrEqual(t, len(k), model.KeyValueKeyMaxRunes)
	seen := map[string]string{}
	for _, pk := range [][2]string{{"", "ab"}, {"a", "b"}, {"ab", ""}, {"", "a:b"}, {"a", ":b"}, {"1", "x"}, {"", "1:x"}} {
		key := store.AppKVKey("hello", alice, pk[0], pk[1])
		assert.NotContains(t, seen, key, "%q/%q collides with %s", pk[0], pk[1], seen[key])
		seen[key] = pk[0] + "/" + pk[1]
	}
	assert.NotEqual(t, store.AppKVKey("hello", alice, "", "k"), store.AppKVKey("hello", admin, "", "k"))
	assert.NotEqual(t, store.AppKVKey("hello", alice, "", "k"), store.AppKVKey("other", alice, "", "k"))
}

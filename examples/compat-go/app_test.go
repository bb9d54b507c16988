package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/mattermost/mattermost-plugin-apps/apps"
	"github.com/mattermost/mattermost-server/v6/model"
)

// env is the app under test with a fake Mattermost and a fake provider.
type env struct {
	t        *testing.T
	mm       *fakeMattermost
	provider *fakeProvider
	handler  http.Handler
	logs     *bytes.Buffer
}

func newEnv(t *testing.T) *env {
	t.Helper()
	logs := &bytes.Buffer{}
	return &env{
		t: t, mm: newFakeMattermost(t), provider: newFakeProvider(t), logs: logs,
		handler: newApp(slog.New(slog.NewJSONHandler(logs, nil))).handler(),
	}
}

// context is a call context from the fake Mattermost, acting as the user
// of actingToken.
func (e *env) context(actingToken string) apps.Context {
	var cc apps.Context
	cc.MattermostSiteURL = e.mm.URL
	cc.BotUserID = "bot1"
	cc.BotAccessToken = "bot-token"
	cc.ChannelID = "channel1"
	cc.ActingUserAccessToken = actingToken
	cc.ActingUser = &model.User{Id: fakeUsers[actingToken]}
	return cc
}

// oauth2Context adds the oauth2_app expansion for the fake provider.
func (e *env) oauth2Context(actingToken string) apps.Context {
	cc := e.context(actingToken)
	cc.OAuth2.OAuth2App = apps.OAuth2App{
		ClientID: providerClientID, ClientSecret: providerClientSecret, RemoteRootURL: e.provider.URL + "/",
	}
	cc.OAuth2.ConnectURL = "https://mm.example/connect"
	cc.OAuth2.CompleteURL = "https://mm.example/complete"
	return cc
}

// call posts a CallRequest to path and decodes the CallResponse.
func (e *env) call(path string, cc apps.Context, values map[string]any) apps.CallResponse {
	e.t.Helper()
	body, err := json.Marshal(apps.CallRequest{Call: apps.Call{Path: path}, Context: cc, Values: values})
	if err != nil {
		e.t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body)))
	if rec.Code != http.StatusOK {
		e.t.Fatalf("%s: status %d: %s", path, rec.Code, rec.Body)
	}
	var cresp apps.CallResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &cresp); err != nil {
		e.t.Fatalf("%s: the answer is not a CallResponse: %v: %s", path, err, rec.Body)
	}
	return cresp
}

func wantText(t *testing.T, step string, got apps.CallResponse, typ apps.CallResponseType, contains string) {
	t.Helper()
	gotType := got.Type
	if gotType == "" {
		gotType = apps.CallResponseTypeOK
	}
	if gotType != typ || !strings.Contains(got.Text, contains) {
		t.Fatalf("%s: got %s %q, want %s containing %q", step, got.Type, got.Text, typ, contains)
	}
}

func TestKVRoundTripAsBot(t *testing.T) {
	e := newEnv(t)
	cc := e.context("user-token")
	steps := []struct {
		name   string
		path   string
		values map[string]any
		want   string
	}{
		{"set", pathKVSet, map[string]any{"key": "greeting", "value": "hello"}, `kv set "greeting" = "hello" (changed: true)`},
		{"set again", pathKVSet, map[string]any{"key": "greeting", "value": "hello"}, "(changed: false)"},
		{"get", pathKVGet, map[string]any{"key": "greeting"}, `kv get "greeting" = "hello"`},
		{"get with prefix", pathKVGet, map[string]any{"key": "greeting", "prefix": "p1"}, "not set"},
		{"delete", pathKVDelete, map[string]any{"key": "greeting"}, "deleted"},
		{"get after delete", pathKVGet, map[string]any{"key": "greeting"}, `kv get "greeting": not set`},
	}
	for _, s := range steps {
		wantText(t, s.name, e.call(s.path, cc, s.values), apps.CallResponseTypeOK, s.want)
	}
	_, _, requests := e.mm.snapshot()
	for _, r := range requests {
		if !strings.HasSuffix(r, " as bot1") || !strings.HasPrefix(strings.Fields(r)[1], appsAPI+"/kv/") {
			t.Errorf("request %q: want the bot calling the KV API", r)
		}
	}
	if got := e.mm.kv["bot1"+appsAPI+"/kv/greeting"]; got != nil {
		t.Errorf("the value is still stored after delete: %s", got)
	}
}

func TestKVRefusedAndMissingKey(t *testing.T) {
	e := newEnv(t)
	cc := e.context("user-token")
	cc.BotAccessToken = "revoked"
	wantText(t, "revoked bot token", e.call(pathKVSet, cc, map[string]any{"key": "k", "value": "v"}), apps.CallResponseTypeError, "no valid token")
	wantText(t, "no key", e.call(pathKVGet, e.context("user-token"), nil), apps.CallResponseTypeError, "give a key")
}

func TestConfigure(t *testing.T) {
	values := map[string]any{"client-id": providerClientID, "client-secret": providerClientSecret, "remote-url": "http://127.0.0.1:1/"}
	for _, tc := range []struct {
		name, token string
		values      map[string]any
		typ         apps.CallResponseType
		want        string
	}{
		{"admin", "admin-token", values, apps.CallResponseTypeOK, "stored the OAuth2 client …1234 for http://127.0.0.1:1"},
		{"regular user", "user-token", values, apps.CallResponseTypeError, "(status 403)"},
		{"missing secret", "admin-token", map[string]any{"client-id": "x", "remote-url": "http://x"}, apps.CallResponseTypeError, "give --client-id"},
		{"bad URL", "admin-token", map[string]any{"client-id": "x", "client-secret": "y", "remote-url": "ftp://x"}, apps.CallResponseTypeError, "not an http(s) URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			got := e.call(pathConfigure, e.context(tc.token), tc.values)
			wantText(t, tc.name, got, tc.typ, tc.want)
			if strings.Contains(got.Text, providerClientSecret) {
				t.Errorf("the answer shows the client secret: %q", got.Text)
			}
		})
	}
	e := newEnv(t)
	_ = e.call(pathConfigure, e.context("admin-token"), values)
	if e.mm.oauth2App["client_secret"] != providerClientSecret || e.mm.oauth2App["remote_root_url"] != "http://127.0.0.1:1" {
		t.Errorf("stored OAuth2 app: %v", e.mm.oauth2App)
	}
	if strings.Contains(e.logs.String(), providerClientSecret) || strings.Contains(e.logs.String(), "admin-token") {
		t.Errorf("the logs show a secret: %s", e.logs)
	}
}

func TestConnectLinksToTheServersConnectURL(t *testing.T) {
	e := newEnv(t)
	wantText(t, "configured", e.call(pathConnect, e.oauth2Context("user-token"), nil), apps.CallResponseTypeOK,
		"[Connect your remote account](https://mm.example/connect)")
	wantText(t, "not configured", e.call(pathConnect, e.context("user-token"), nil), apps.CallResponseTypeError,
		"/compat-go configure")
}

func TestGetOAuth2ConnectURL(t *testing.T) {
	e := newEnv(t)
	got := e.call(pathOAuth2Connect, e.oauth2Context("user-token"), map[string]any{"state": "st-1"})
	raw, ok := got.Data.(string)
	if got.Type != apps.CallResponseTypeOK || !ok {
		t.Fatalf("want data with the URL, got %+v", got)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme+"://"+u.Host+u.Path != e.provider.URL+"/authorize" || q.Get("state") != "st-1" ||
		q.Get("client_id") != providerClientID || q.Get("redirect_uri") != "https://mm.example/complete" ||
		q.Get("response_type") != "code" {
		t.Errorf("authorize URL %s", raw)
	}
	if strings.Contains(raw, providerClientSecret) {
		t.Errorf("the authorize URL carries the client secret: %s", raw)
	}
	wantText(t, "no state", e.call(pathOAuth2Connect, e.oauth2Context("user-token"), nil), apps.CallResponseTypeError, "no state")
	wantText(t, "not configured", e.call(pathOAuth2Connect, e.context("user-token"), map[string]any{"state": "s"}),
		apps.CallResponseTypeError, "no OAuth2 client")
}

func TestOAuth2CompleteStoresTheUserAndWhoAmIReadsIt(t *testing.T) {
	e := newEnv(t)
	cc := e.oauth2Context("user-token")
	wantText(t, "whoami before", e.call(pathWhoAmIRemote, cc, nil), apps.CallResponseTypeOK, "not connected")
	wantText(t, "bad code", e.call(pathOAuth2Complete, cc, map[string]any{"code": "wrong", "state": "s"}),
		apps.CallResponseTypeError, "exchange the code")
	wantText(t, "no code", e.call(pathOAuth2Complete, cc, map[string]any{"error": "access_denied"}),
		apps.CallResponseTypeError, `"access_denied"`)
	wantText(t, "complete", e.call(pathOAuth2Complete, cc, map[string]any{"code": goodCode, "state": "s"}),
		apps.CallResponseTypeOK, "connected as "+remoteUsername)

	stored := e.mm.oauth2User["user1"]
	var user remoteUser
	if err := json.Unmarshal(stored, &user); err != nil || user.Token == nil || user.Token.AccessToken != remoteToken || user.Username != remoteUsername {
		t.Fatalf("stored user data %s (%v)", stored, err)
	}
	// The server gives the stored data back as context.oauth2.user.
	var asContext any
	if err := json.Unmarshal(stored, &asContext); err != nil {
		t.Fatal(err)
	}
	cc.OAuth2.User = asContext
	wantText(t, "whoami after", e.call(pathWhoAmIRemote, cc, nil), apps.CallResponseTypeOK, "you are "+remoteUsername)
	cc.OAuth2.User = map[string]any{"username": "someone-else", "token": map[string]any{"access_token": remoteToken}}
	wantText(t, "context and store differ", e.call(pathWhoAmIRemote, cc, nil), apps.CallResponseTypeError, "differ")
	if strings.Contains(e.logs.String(), remoteToken) || strings.Contains(e.logs.String(), providerClientSecret) {
		t.Errorf("the logs show a secret: %s", e.logs)
	}
}

func TestSubscribeListUnsubscribe(t *testing.T) {
	e := newEnv(t)
	cc := e.context("admin-token")
	wantText(t, "subscribe", e.call(pathSubscribe, cc, nil), apps.CallResponseTypeOK, "subscribed to user_joined_channel")
	wantText(t, "list", e.call(pathSubscriptions, cc, nil), apps.CallResponseTypeOK,
		"subject: user_joined_channel, channel_id: channel1 → "+pathUserJoinedNotif)
	sub := e.mm.subs["admin1"][0]
	if call, _ := sub["call"].(map[string]any); call["path"] != pathUserJoinedNotif || call["expand"] == nil {
		t.Errorf("stored subscription %v", sub)
	}
	wantText(t, "unsubscribe", e.call(pathUnsubscribe, cc, nil), apps.CallResponseTypeOK, "unsubscribed")
	wantText(t, "list after", e.call(pathSubscriptions, cc, nil), apps.CallResponseTypeOK, "subscriptions: none")
	cc.ChannelID = ""
	wantText(t, "no channel", e.call(pathSubscribe, cc, nil), apps.CallResponseTypeError, "run it in a channel")
}

func TestUserJoinedChannelDMsTheUser(t *testing.T) {
	e := newEnv(t)
	cc := e.context("")
	cc.ActingUser = nil
	cc.UserID = "user1"
	cc.User = &model.User{Id: "user1", Username: "alice"}
	cc.Channel = &model.Channel{Id: "channel1", Name: "town-square"}
	wantText(t, "notification", e.call(pathUserJoinedNotif, cc, nil), apps.CallResponseTypeOK, "welcomed @alice")
	_, posts, requests := e.mm.snapshot()
	if len(posts) != 1 || posts[0]["channel_id"] != "dm-bot1-user1" || posts[0]["user_id"] != "bot1" ||
		posts[0]["message"] != welcomePrefix+", @alice, to ~town-square." {
		t.Fatalf("posts %v (requests %v)", posts, requests)
	}
	cc.UserID, cc.User = "", nil
	wantText(t, "no user", e.call(pathUserJoinedNotif, cc, nil), apps.CallResponseTypeError, "names no user")
}

func TestBindings(t *testing.T) {
	e := newEnv(t)
	got := e.call(pathBindings, e.context("user-token"), nil)
	data, err := json.Marshal(got.Data)
	if err != nil {
		t.Fatal(err)
	}
	var bindings []apps.Binding
	if err := json.Unmarshal(data, &bindings); err != nil || len(bindings) != 1 || len(bindings[0].Bindings) != 1 {
		t.Fatalf("bindings %s (%v)", data, err)
	}
	paths := map[string]bool{}
	var walk func(bb []apps.Binding)
	walk = func(bb []apps.Binding) {
		for _, b := range bb {
			if b.Form != nil && b.Form.Submit != nil {
				paths[b.Form.Submit.Path] = true
			}
			walk(b.Bindings)
		}
	}
	walk(bindings)
	for _, p := range []string{pathKVSet, pathKVGet, pathKVDelete, pathConfigure, pathConnect, pathWhoAmIRemote, pathSubscribe, pathUnsubscribe, pathSubscriptions} {
		if !paths[p] {
			t.Errorf("no binding submits to %s", p)
		}
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, p, strings.NewReader("{}")))
		if rec.Code != http.StatusOK {
			t.Errorf("bound path %s is not routed: %d", p, rec.Code)
		}
	}
}

// TestLambdaEvent runs the handler behind the Lambda adapter main uses,
// with the event the plugin sends.
func TestLambdaEvent(t *testing.T) {
	e := newEnv(t)
	proxy := httpadapter.New(e.handler).ProxyWithContext
	creq, err := json.Marshal(apps.CallRequest{Call: apps.Call{Path: pathPing}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, body string
		status           int
		want             string
	}{
		{"ping", pathPing, string(creq), http.StatusOK, `"type":"ok"`},
		{"unknown path", "/nope", string(creq), http.StatusNotFound, "/nope is not a path of compat-go"},
		{"not JSON", pathPing, "{", http.StatusBadRequest, "not a CallRequest"},
	} {
		resp, err := proxy(context.Background(), events.APIGatewayProxyRequest{
			Path: tc.path, HTTPMethod: http.MethodPost, Headers: map[string]string{"Content-Type": "application/json"}, Body: tc.body,
		})
		if err != nil || resp.StatusCode != tc.status || !strings.Contains(resp.Body, tc.want) || resp.IsBase64Encoded {
			t.Errorf("%s: %d %q (%v), want %d with %q", tc.name, resp.StatusCode, resp.Body, err, tc.status, tc.want)
		}
	}
}

// TestManifest checks the manifest names routed paths and asks for what
// the app uses.
func TestManifest(t *testing.T) {
	data, err := os.ReadFile("manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m apps.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	if m.AppID != "compat-go" || m.AWSLambda == nil || len(m.AWSLambda.Functions) != 1 || m.AWSLambda.Functions[0].Path != "/" {
		t.Errorf("manifest: %+v", m)
	}
	for _, p := range []apps.Permission{apps.PermissionActAsBot, apps.PermissionActAsUser, apps.PermissionRemoteOAuth2} {
		if !m.RequestedPermissions.Contains(p) {
			t.Errorf("manifest does not request %s", p)
		}
	}
	if m.GetOAuth2ConnectURL == nil || m.GetOAuth2ConnectURL.Path != pathOAuth2Connect ||
		m.OnOAuth2Complete == nil || m.OnOAuth2Complete.Path != pathOAuth2Complete ||
		m.OnOAuth2Complete.Expand == nil || m.OnOAuth2Complete.Expand.ActingUserAccessToken == "" {
		t.Errorf("manifest OAuth2 calls: %+v %+v", m.GetOAuth2ConnectURL, m.OnOAuth2Complete)
	}
}

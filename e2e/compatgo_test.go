//go:build e2e

package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/require"
)

// examples/compat-go: an app written with the original framework's Go
// driver (mattermost-plugin-apps v1.2.2), deployed with appsctl.
const (
	compatGoID     = "compat-go"
	compatGoBundle = "../dist/examples/compat-go-0.1.0-bundle.zip"
	// compatGoWait bounds each wait for an app answer (a cold Lambda start
	// on a loaded machine included).
	compatGoWait = 60 * time.Second
)

// TestCompatGo runs the v1.2-driver app through the KV store, the OAuth2
// client and user stores with the connect/complete round trip, and a
// user_joined_channel subscription that DMs the user who joins. Each step
// is a subtest named after what it checks; the three parts (kv, oauth2,
// subscription) run whatever the others did, and within a part a failed
// step stops the steps that need it.
func TestCompatGo(t *testing.T) {
	s := getStack(t)
	deployCompatGo(t, s)
	admin := &actor{s.listen(t, s.adminToken), s.adminToken}
	user := &actor{s.listen(t, s.userToken), s.userToken}

	// run runs a step of a part; the part stops at the first failed step.
	run := func(t *testing.T, name string, f func(t *testing.T)) {
		t.Helper()
		if !t.Run(name, f) {
			t.FailNow()
		}
	}
	// cmd runs a command as who in a channel and returns the app's answer.
	cmd := func(t *testing.T, who *actor, channelID, line string) string {
		t.Helper()
		s.commandIn(t, who.token, channelID, line)
		return who.nextEphemeral(t, channelID, line)
	}

	t.Run("kv", func(t *testing.T) {
		key := "e2e-" + compatRandom(t, 4) // a key of its own: a kept stack may hold an earlier run's
		for _, step := range []struct{ line, want string }{
			{`/compat-go kv set ` + key + ` "hello from v1.2"`, `kv set "` + key + `" = "hello from v1.2" (changed: true)`},
			{`/compat-go kv set ` + key + ` "hello from v1.2"`, `(changed: false)`},
			{`/compat-go kv get ` + key, `kv get "` + key + `" = "hello from v1.2"`},
			{`/compat-go kv get ` + key + ` --prefix p1`, `kv get "p1"/"` + key + `": not set`},
			{`/compat-go kv delete ` + key, `kv delete "` + key + `": deleted`},
			{`/compat-go kv get ` + key, `kv get "` + key + `": not set`},
		} {
			require.Contains(t, cmd(t, user, s.channelID, step.line), step.want, "step %q", step.line)
		}
	})

	t.Run("oauth2", func(t *testing.T) { compatGoOAuth2(t, s, admin, user, run, cmd) })
	t.Run("subscription", func(t *testing.T) { compatGoSubscription(t, s, admin, user, cmd) })
}

type (
	stepFunc    func(t *testing.T, name string, f func(t *testing.T))
	commandFunc func(t *testing.T, who *actor, channelID, line string) string
)

// compatGoOAuth2: the OAuth2 client stored by an admin (refused for a
// user), the connect/complete round trip through a local provider, and the
// stored user data read back from context.oauth2.user.
func compatGoOAuth2(t *testing.T, s *stack, admin, user *actor, run stepFunc, cmd commandFunc) {
	provider := newCompatProvider(t)
	run(t, "configure as a regular user is refused with 403", func(t *testing.T) {
		got := cmd(t, user, s.channelID, provider.configureLine())
		require.Contains(t, got, "status 403", "the server must refuse StoreOAuth2App from a non-admin")
		require.NotContains(t, got, provider.clientSecret)
	})
	run(t, "configure as admin", func(t *testing.T) {
		got := cmd(t, admin, s.channelID, provider.configureLine())
		require.Contains(t, got, "configure: stored the OAuth2 client")
		require.NotContains(t, got, provider.clientSecret)
	})

	var connectURL string
	run(t, "connect answers the server's connect URL", func(t *testing.T) {
		got := cmd(t, user, s.channelID, "/compat-go connect")
		m := regexp.MustCompile(`\[Connect your remote account\]\(([^)\s]+)\)`).FindStringSubmatch(got)
		require.NotNil(t, m, "no connect link in %q", got)
		connectURL = m[1]
	})
	var completeURL string
	run(t, "oauth2 connect redirects to the provider", func(t *testing.T) {
		code, loc := noRedirectGET(t, connectURL, s.userToken)
		require.Contains(t, []int{http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect}, code,
			"GET %s: want a redirect to the provider", connectURL)
		require.True(t, strings.HasPrefix(loc, provider.URL+"/authorize?"), "GET %s redirected to %q, want %s/authorize", connectURL, loc, provider.URL)
		q := mustQuery(t, loc)
		require.NotEmpty(t, q.Get("state"), "the authorize URL has no state")
		require.Equal(t, provider.clientID, q.Get("client_id"))
		code, completeURL = noRedirectGET(t, loc, "")
		require.Equal(t, http.StatusFound, code, "the provider's /authorize: %s", provider.lastError())
		require.Equal(t, q.Get("redirect_uri"), strings.Split(completeURL, "?")[0], "the provider returns to the complete URL")
	})
	run(t, "oauth2 complete stores the user", func(t *testing.T) {
		status, body := authGET(t, completeURL, s.userToken)
		require.Equal(t, http.StatusOK, status, "GET complete: %s (provider: %s)", body, provider.lastError())
		require.Equal(t, 1, provider.exchanges(), "the app exchanged the code once")
		status, _ = authGET(t, completeURL, s.userToken)
		require.NotEqual(t, http.StatusOK, status, "a second complete with the same state must be refused")
	})
	run(t, "whoami-remote reads context.oauth2.user", func(t *testing.T) {
		require.Contains(t, cmd(t, user, s.channelID, "/compat-go whoami-remote"), "whoami-remote: you are "+provider.username)
		require.Contains(t, cmd(t, admin, s.channelID, "/compat-go whoami-remote"), "not connected",
			"the admin has not connected: the user data is per user")
	})
}

// compatGoSubscription: the admin subscribes to user_joined_channel in a
// new channel; the user added to it gets the bot's DM.
func compatGoSubscription(t *testing.T, s *stack, admin, user *actor, cmd commandFunc) {
	ctx, cancel := context.WithTimeout(context.Background(), compatGoWait)
	defer cancel()
	adminClient := s.client(s.adminToken)
	ch, _, err := adminClient.CreateChannel(ctx, &model.Channel{
		TeamId: s.teamID, Type: model.ChannelTypeOpen, Name: "compat-go-" + compatRandom(t, 4), DisplayName: "compat-go e2e",
	})
	require.NoError(t, err, "create the channel")
	require.Contains(t, cmd(t, admin, ch.Id, "/compat-go subscribe"), "subscribed to user_joined_channel", "step: subscribe")
	require.Contains(t, cmd(t, admin, ch.Id, "/compat-go subscriptions"), "channel_id: "+ch.Id, "step: list subscriptions")

	me, _, err := s.client(s.userToken).GetMe(ctx, "")
	require.NoError(t, err)
	bot, _, err := adminClient.GetUserByUsername(ctx, compatGoID, "")
	require.NoError(t, err, "the app's bot")
	_, _, err = adminClient.AddChannelMember(ctx, ch.Id, me.Id)
	require.NoError(t, err, "add the user to the channel")
	dm := user.nextPost(t, "the bot's welcome DM after the user joined", func(p *model.Post, channelType string) bool {
		return channelType == string(model.ChannelTypeDirect) && p.UserId == bot.Id
	})
	require.Contains(t, dm.Message, "compat-go welcomes you, @"+me.Username+", to ~"+ch.Name, "step: the welcome DM")

	require.Contains(t, cmd(t, admin, ch.Id, "/compat-go unsubscribe"), "unsubscribed from user_joined_channel", "step: unsubscribe")
}

// actor is a user and their websocket.
type actor struct {
	*events
	token string
}

// deployCompatGo deploys the bundle with appsctl and installs it with
// consent to what it asks for; a stack kept from an earlier run already
// has it, and gets the code again.
func deployCompatGo(t *testing.T, s *stack) {
	t.Helper()
	args := []string{"aws", "deploy", compatGoBundle, "--install", "--grant", "--timeout", "30"}
	out, err := appsctl(t, args...)
	if err != nil && strings.Contains(out, "--update") {
		out, err = appsctl(t, append(args, "--update")...)
	}
	require.NoError(t, err, "appsctl aws deploy: %s", out)
	for _, route := range []string{"/api/v1/install-app", "/api/v1/enable-app"} {
		body := map[string]any{"app_id": compatGoID}
		if route == "/api/v1/install-app" {
			body["grant"], body["version"] = true, "0.1.0"
		}
		code, _, resp := s.pluginDo(t, s.adminToken, http.MethodPost, route, body)
		// 409: nothing to do (installed and enabled already).
		require.True(t, code < 300 || code == http.StatusConflict, "%s: %d %s", route, code, resp)
	}
}

// commandIn runs a slash command in a channel; its answer arrives as an
// ephemeral post.
func (s *stack) commandIn(t *testing.T, token, channelID, line string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), compatGoWait)
	defer cancel()
	_, _, err := s.client(token).ExecuteCommandWithTeam(ctx, channelID, s.teamID, line)
	require.NoError(t, err, "executing %q", line)
}

// nextEphemeral returns the next ephemeral post in channelID.
func (e *events) nextEphemeral(t *testing.T, channelID, step string) string {
	t.Helper()
	var msg string
	e.waitWithin(t, compatGoWait, step, string(model.WebsocketEventEphemeralMessage), func(ev *model.WebSocketEvent) bool {
		post, ok := postOf(ev)
		msg = post.Message
		return ok && post.ChannelId == channelID
	})
	return msg
}

// nextPost returns the first post event that match accepts.
func (e *events) nextPost(t *testing.T, step string, match func(p *model.Post, channelType string) bool) *model.Post {
	t.Helper()
	var found *model.Post
	e.waitWithin(t, compatGoWait, step, string(model.WebsocketEventPosted), func(ev *model.WebSocketEvent) bool {
		post, ok := postOf(ev)
		channelType, _ := ev.GetData()["channel_type"].(string)
		found = post
		return ok && match(post, channelType)
	})
	return found
}

// noRedirectGET GETs u (with a Mattermost token when given) and returns the
// status and the Location header, without following redirects.
func noRedirectGET(t *testing.T, u, token string) (int, string) {
	t.Helper()
	resp, _ := getNoRedirect(t, u, token)
	return resp.StatusCode, resp.Header.Get("Location")
}

// authGET GETs u as the token's user without following redirects and
// returns the status and the start of the body.
func authGET(t *testing.T, u, token string) (int, string) {
	t.Helper()
	resp, body := getNoRedirect(t, u, token)
	return resp.StatusCode, body
}

// getNoRedirect GETs u (with a Mattermost token when given) without
// following redirects; it returns the response and its first 4 KB.
func getNoRedirect(t *testing.T, u, token string) (*http.Response, string) {
	t.Helper()
	client := &http.Client{
		Timeout:       compatGoWait,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	req, err := http.NewRequest(http.MethodGet, u, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	require.NoError(t, err, "GET %s", u)
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	require.NoError(t, err)
	return resp, string(body)
}

func mustQuery(t *testing.T, u string) url.Values {
	t.Helper()
	parsed, err := url.Parse(u)
	require.NoError(t, err, "parse %q", u)
	return parsed.Query()
}

func compatRandom(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

// compatProvider is a small remote OAuth2 provider on 127.0.0.1, which the
// app reaches because lambda-local runs it on this machine: /authorize
// redirects back with a one-time code, /token exchanges it for the client,
// /userinfo names the token's user.
type compatProvider struct {
	*httptest.Server
	clientID, clientSecret, username string

	mu       sync.Mutex
	codes    map[string]string // code -> redirect_uri
	tokens   map[string]bool
	exchange int
	errs     []string
}

func newCompatProvider(t *testing.T) *compatProvider {
	t.Helper()
	p := &compatProvider{
		clientID: "cid-" + compatRandom(t, 4), clientSecret: "csecret-" + compatRandom(t, 8), username: "remote-" + compatRandom(t, 3),
		codes: map[string]string{}, tokens: map[string]bool{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		redirect := q.Get("redirect_uri")
		if q.Get("client_id") != p.clientID || q.Get("response_type") != "code" || redirect == "" || q.Get("state") == "" {
			p.fail(w, http.StatusBadRequest, "authorize: bad request %s", r.URL.RawQuery)
			return
		}
		code := "code-" + rand.Text()
		p.mu.Lock()
		p.codes[code] = redirect
		p.mu.Unlock()
		back, err := url.Parse(redirect)
		if err != nil {
			p.fail(w, http.StatusBadRequest, "authorize: redirect_uri %q: %v", redirect, err)
			return
		}
		bq := back.Query()
		bq.Set("code", code)
		bq.Set("state", q.Get("state"))
		back.RawQuery = bq.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		id, secret, _ := r.BasicAuth()
		if err := r.ParseForm(); err != nil {
			p.fail(w, http.StatusBadRequest, "token: %v", err)
			return
		}
		if id == "" {
			id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
		}
		code := r.PostForm.Get("code")
		p.mu.Lock()
		redirect, ok := p.codes[code]
		delete(p.codes, code)
		p.mu.Unlock()
		switch {
		case id != p.clientID || secret != p.clientSecret:
			p.fail(w, http.StatusUnauthorized, "token: wrong client credentials for client %q", id)
		case !ok || r.PostForm.Get("redirect_uri") != redirect:
			p.fail(w, http.StatusBadRequest, "token: unknown code or redirect_uri %q", r.PostForm.Get("redirect_uri"))
		default:
			tok := "at-" + rand.Text()
			p.mu.Lock()
			p.tokens[tok] = true
			p.exchange++
			p.mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": 3600})
		}
	})
	mux.HandleFunc("GET /userinfo", func(w http.ResponseWriter, r *http.Request) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		p.mu.Lock()
		ok := p.tokens[tok]
		p.mu.Unlock()
		if !ok {
			p.fail(w, http.StatusUnauthorized, "userinfo: unknown token")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"username": p.username})
	})
	p.Server = httptest.NewServer(mux)
	t.Cleanup(p.Close)
	return p
}

func (p *compatProvider) configureLine() string {
	return fmt.Sprintf("/compat-go configure --client-id %s --client-secret %s --remote-url %s", p.clientID, p.clientSecret, p.URL)
}

func (p *compatProvider) fail(w http.ResponseWriter, status int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	p.mu.Lock()
	p.errs = append(p.errs, msg)
	p.mu.Unlock()
	http.Error(w, msg, status)
}

func (p *compatProvider) lastError() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.errs) == 0 {
		return "no error"
	}
	return p.errs[len(p.errs)-1]
}

func (p *compatProvider) exchanges() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.exchange
}

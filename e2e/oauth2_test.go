//go:build e2e

package e2e

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// oauth2Provider is a small OAuth2 provider on 127.0.0.1 (authorization
// code grant): /authorize sends the browser back with a code, /token trades
// it (once, with the client's secret) for an access token, /userinfo names
// the token's user.
type oauth2Provider struct {
	*httptest.Server
	clientID, clientSecret, username string

	mu     sync.Mutex
	codes  map[string]string // code -> redirect_uri
	tokens map[string]string // access token -> username
}

func randomHex(t *testing.T) string {
	t.Helper()
	b := make([]byte, 16)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

func newOAuth2Provider(t *testing.T) *oauth2Provider {
	t.Helper()
	p := &oauth2Provider{clientID: "hello-client", clientSecret: "client-secret-" + randomHex(t), username: "remote-alice",
		codes: map[string]string{}, tokens: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != p.clientID || q.Get("response_type") != "code" || q.Get("state") == "" || q.Get("redirect_uri") == "" {
			http.Error(w, "bad authorization request", http.StatusBadRequest)
			return
		}
		code := "code-" + randomHex(t)
		p.mu.Lock()
		p.codes[code] = q.Get("redirect_uri")
		p.mu.Unlock()
		back := q.Get("redirect_uri") + "?" + url.Values{"code": {code}, "state": {q.Get("state")}}.Encode()
		http.Redirect(w, r, back, http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		if r.ParseForm() != nil || r.PostForm.Get("client_id") != p.clientID || r.PostForm.Get("client_secret") != p.clientSecret ||
			r.PostForm.Get("grant_type") != "authorization_code" {
			http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
			return
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		redirect, ok := p.codes[r.PostForm.Get("code")]
		if !ok || redirect != r.PostForm.Get("redirect_uri") {
			http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
			return
		}
		delete(p.codes, r.PostForm.Get("code"))
		token := "access-" + randomHex(t)
		p.tokens[token] = p.username
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"access_token": token, "token_type": "bearer"})
	})
	mux.HandleFunc("GET /userinfo", func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		name, ok := p.tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
		p.mu.Unlock()
		if !ok {
			http.Error(w, `{"error":"invalid_token"}`, http.StatusUnauthorized)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"username": name})
	})
	p.Server = httptest.NewServer(mux)
	t.Cleanup(p.Close)
	return p
}

func (p *oauth2Provider) accessTokens() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for tok := range p.tokens {
		out = append(out, tok)
	}
	return out
}

// browserGET is a GET as a browser of the user with token ("" none) makes
// it, without following redirects.
func browserGET(t *testing.T, token, target string) (int, http.Header, string) {
	t.Helper()
	c := &http.Client{Timeout: 60 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequest(http.MethodGet, target, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, string(body)
}

// callExpand makes a call to the sample app with the given expand.
func (s *stack) callExpand(t *testing.T, token, path string, values map[string]any, expand map[string]string) (int, callResponse) {
	t.Helper()
	creq := map[string]any{"path": path, "values": values, "expand": expand,
		"context": map[string]string{"app_id": helloID, "channel_id": s.channelID, "team_id": s.teamID}}
	code, _, body := s.pluginDo(t, token, http.MethodPost, "/api/v1/call", creq)
	var resp callResponse
	require.NoError(t, json.Unmarshal(body, &resp), "%s", body)
	return code, resp
}

// expireOAuth2States makes the server consider every pending OAuth2 state
// of the sample app and user expired, as 15 minutes later.
func (s *stack) expireOAuth2States(t *testing.T, userID string) {
	t.Helper()
	db, err := sql.Open("postgres", mustEnv(t, "MM_SQL_DSN"))
	require.NoError(t, err)
	defer db.Close()
	res, err := db.Exec(`update pluginkeyvaluestore set expireat = $1 where pluginid = $2 and pkey like $3`,
		time.Now().Add(-time.Second).UnixMilli(), pluginID, "appdata/"+helloID+"/oauth2/state/"+userID+"/%")
	require.NoError(t, err)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	require.Positive(t, n, "a pending state was stored")
}

// TestRemoteOAuth2Connect: an admin configures the sample app's OAuth2
// client; a user connects in the browser (connect -> provider -> complete),
// after which the app gets the user's data in its calls. A state works
// once, only for its user, and not after it expired; the secrets never show.
func TestRemoteOAuth2Connect(t *testing.T) {
	installHello(t)
	s := getStack(t)
	p := newOAuth2Provider(t)
	ctx := context.Background()
	me, _, err := s.client(s.userToken).GetMe(ctx, "")
	require.NoError(t, err)

	code, resp := s.callExpand(t, s.adminToken, "/oauth2/configure",
		map[string]any{"remote_root_url": p.URL, "client_id": p.clientID, "client_secret": p.clientSecret},
		map[string]string{"acting_user": "all", "acting_user_access_token": "all", "oauth2_app": "all"})
	require.Equal(t, http.StatusOK, code, "%+v", resp)
	require.Equal(t, "ok", resp.Type, resp.Text)
	appURL := s.url + "/plugins/" + pluginID + "/apps/" + helloID
	assert.Contains(t, resp.Text, appURL+"/oauth2/remote/connect", "the app learns the connect URL from the context")

	code, resp = s.callExpand(t, s.userToken, "/oauth2/me", nil, map[string]string{"oauth2_user": "all"})
	require.Equal(t, http.StatusOK, code, "%+v", resp)
	require.Equal(t, "You are not connected to the remote service.", resp.Text)

	// connect: it sends the browser to the provider with a state.
	connect := func() (state, back string) {
		t.Helper()
		code, h, body := browserGET(t, s.userToken, appURL+"/oauth2/remote/connect")
		require.Equal(t, http.StatusFound, code, body)
		loc := h.Get("Location")
		require.True(t, strings.HasPrefix(loc, p.URL+"/authorize?"), loc)
		u, err := url.Parse(loc)
		require.NoError(t, err)
		state = u.Query().Get("state")
		require.NotEmpty(t, state)
		// The provider sends the browser back to the complete URL.
		code, h, body = browserGET(t, "", loc)
		require.Equal(t, http.StatusFound, code, body)
		back = h.Get("Location")
		require.True(t, strings.HasPrefix(back, appURL+"/oauth2/remote/complete?"), back)
		assert.Contains(t, back, "state="+url.QueryEscape(state))
		return state, back
	}
	_, back := connect()

	// Another user (the admin) cannot use the user's state.
	code, _, body := browserGET(t, s.adminToken, back)
	assert.Equal(t, http.StatusForbidden, code, body)
	assert.Contains(t, body, "This link has expired or was already used: start again from Hello Lambda.")

	// The user completes it; the app stored the user's data.
	code, h, body := browserGET(t, s.userToken, back)
	require.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, h.Get("Content-Type"), "text/html")
	assert.Contains(t, body, "Your account is now connected to Hello Lambda.")
	code, resp = s.callExpand(t, s.userToken, "/oauth2/me", nil, map[string]string{"oauth2_user": "all"})
	require.Equal(t, http.StatusOK, code, "%+v", resp)
	assert.Equal(t, "You are connected to the remote service as remote-alice.", resp.Text)

	// Replaying the complete URL is refused.
	code, _, body = browserGET(t, s.userToken, back)
	assert.Equal(t, http.StatusForbidden, code, body)
	assert.Contains(t, body, "expired or was already used")

	// An expired state is refused.
	_, back = connect()
	s.expireOAuth2States(t, me.Id)
	code, _, body = browserGET(t, s.userToken, back)
	assert.Equal(t, http.StatusForbidden, code, body)
	assert.Contains(t, body, "expired or was already used")

	// Without a session, no flow starts.
	code, _, _ = browserGET(t, "", appURL+"/oauth2/remote/connect")
	assert.Equal(t, http.StatusUnauthorized, code)

	// The client secret and the user's access token never show.
	secrets := append([]string{p.clientSecret}, p.accessTokens()...)
	require.Len(t, secrets, 2, "one access token was issued")
	shown := []string{s.command(t, s.adminToken, "/apps list"), s.command(t, s.adminToken, "/apps info")}
	for _, path := range []string{"/api/v1/status", "/api/v1/catalog"} {
		_, b := s.pluginGET(t, s.adminToken, path)
		shown = append(shown, string(b))
	}
	_, _, b := s.pluginDo(t, s.adminToken, http.MethodPost, "/api/v1/install-app", map[string]string{"app_id": helloID})
	shown = append(shown, string(b))
	cfg, _, err := s.client(s.adminToken).GetConfig(ctx)
	require.NoError(t, err)
	cfgJSON, err := json.Marshal(cfg.PluginSettings.Plugins[pluginID])
	require.NoError(t, err)
	shown = append(shown, string(cfgJSON))
	logs, err := filepath.Glob(filepath.Join(mustEnv(t, "STACK_DIR"), "mattermost", "logs", "*.log"))
	require.NoError(t, err)
	require.NotEmpty(t, logs, "the server's log files")
	for _, f := range logs {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		shown = append(shown, string(b))
	}
	for _, secret := range secrets {
		for i, text := range shown {
			assert.NotContains(t, text, secret, "shown[%d]", i)
		}
	}
}

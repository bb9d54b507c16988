package httpapi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/appservices"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// compatServices is an AppServices that knows one app session.
type compatServices struct {
	AppServices // unused methods panic
	kvGets      []string
}

const (
	appSession = "sess-app"
	appUser    = "bot1"
	appToken   = "tok-secret-123"
)

func (f *compatServices) caller(sessionID, userID string) (*appservices.Caller, error) {
	if sessionID != appSession || userID != appUser {
		return nil, appservices.ErrNotAnApp
	}
	return &appservices.Caller{App: &store.InstalledApp{Manifest: apps.Manifest{AppID: "hello"}}, UserID: userID}, nil
}

func (f *compatServices) Caller(sessionID, userID string) (*appservices.Caller, error) {
	return f.caller(sessionID, userID)
}

func (f *compatServices) ForwardToken(sessionID, userID string) (*appservices.Caller, string, error) {
	c, err := f.caller(sessionID, userID)
	if err != nil {
		return nil, "", err
	}
	return c, appToken, nil
}

func (f *compatServices) KVGet(_ *appservices.Caller, prefix, key string) ([]byte, error) {
	f.kvGets = append(f.kvGets, prefix+"/"+key)
	return []byte(`{"v":1}`), nil
}

type recordingLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *recordingLogger) add(msg string, kv []any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	b.WriteString(msg)
	for _, v := range kv {
		b.WriteString(" ")
		b.WriteString(strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(toString(v), "\n", " "), "\t", " ")))
	}
	l.lines = append(l.lines, b.String())
}

func toString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}

func (l *recordingLogger) Error(msg string, kv ...any) { l.add(msg, kv) }
func (l *recordingLogger) Warn(msg string, kv ...any)  { l.add(msg, kv) }
func (l *recordingLogger) Debug(msg string, kv ...any) { l.add(msg, kv) }

type webhookRecorder struct{ appID, rest string }

func (w *webhookRecorder) Serve(rw http.ResponseWriter, _ *http.Request, appID apps.AppID, rest string) {
	w.appID, w.rest = string(appID), rest
	rw.WriteHeader(http.StatusNoContent)
}

func compatRouter(site string, log Logger, hooks Webhooks, svc AppServices) http.Handler {
	return NewRouter(Deps{Log: log, AppServices: svc, Webhooks: hooks, SiteURL: func() string { return site }})
}

func TestCompatForwardsTheAppsRESTCallsWithItsToken(t *testing.T) {
	var got *http.Request
	var gotBody string
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(r.Context())
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
		w.Header().Set("X-Answer", "yes")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"id":"p1"}`)
	}))
	defer site.Close()
	h := compatRouter(site.URL+"/", &recordingLogger{}, nil, &compatServices{})

	req := httptest.NewRequest(http.MethodPost, "/compat/api/v4/posts?set_online=false", strings.NewReader(`{"message":"hi"}`))
	req.Header.Set(UserIDHeader, appUser)
	req.Header.Set("Cookie", "MMAUTHTOKEN=someone-else")
	req.Header.Set("Content-Type", "application/json")
	req = req.WithContext(WithSessionID(req.Context(), appSession))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)

	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	assert.JSONEq(t, `{"id":"p1"}`, w.Body.String())
	assert.Equal(t, "yes", w.Header().Get("X-Answer"))
	require.NotNil(t, got)
	assert.Equal(t, "/api/v4/posts", got.URL.Path)
	assert.Equal(t, "set_online=false", got.URL.RawQuery)
	assert.Equal(t, "Bearer "+appToken, got.Header.Get("Authorization"))
	assert.Empty(t, got.Header.Get(UserIDHeader))
	assert.Empty(t, got.Header.Get("Cookie"))
	assert.Equal(t, `{"message":"hi"}`, gotBody)
}

// The server's plugin RPC hands the plugin requests without their
// ContentLength; their bodies must still be forwarded.
func TestCompatForwardsTheBodyOfPluginRequests(t *testing.T) {
	for _, tc := range []struct {
		name, method, header, body, want string
	}{
		{"POST with a Content-Length header", http.MethodPost, "16", `{"message":"hi"}`, `{"message":"hi"}`},
		{"POST without one", http.MethodPost, "", `["u1","u2"]`, `["u1","u2"]`},
		{"PUT without one", http.MethodPut, "", `{"a":1}`, `{"a":1}`},
		{"GET without a body", http.MethodGet, "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gotBody := "not called"
			site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				gotBody = string(b)
				w.WriteHeader(http.StatusOK)
			}))
			defer site.Close()
			h := compatRouter(site.URL, &recordingLogger{}, nil, &compatServices{})
			req := httptest.NewRequest(tc.method, "/compat/api/v4/channels/direct", strings.NewReader(tc.body))
			req.ContentLength = 0 // as the plugin RPC delivers it
			req.Header.Del("Content-Length")
			if tc.header != "" {
				req.Header.Set("Content-Length", tc.header)
			}
			req.Header.Set(UserIDHeader, appUser)
			req = req.WithContext(WithSessionID(req.Context(), appSession))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			assert.Equal(t, tc.want, gotBody)
		})
	}
}

func TestCompatForwardRefusals(t *testing.T) {
	reached := false
	site := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached = true }))
	defer site.Close()
	h := compatRouter(site.URL, &recordingLogger{}, nil, &compatServices{})
	tests := []struct {
		name, user, session string
		want                int
	}{
		{"anonymous", "", "", http.StatusUnauthorized},
		{"a person's own session", "u1", "sess-person", http.StatusForbidden},
		{"the app's session for another user", "u1", appSession, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/compat/api/v4/users/me", nil)
			if tt.user != "" {
				req.Header.Set(UserIDHeader, tt.user)
			}
			req = req.WithContext(WithSessionID(req.Context(), tt.session))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			assert.Equal(t, tt.want, w.Code, w.Body.String())
			assert.False(t, reached, "the request must not reach the server")
		})
	}
}

func TestCompatForwardToAServerThatIsDown(t *testing.T) {
	site := httptest.NewServer(http.NotFoundHandler())
	url := site.URL
	site.Close()
	log := &recordingLogger{}
	h := compatRouter(url, log, nil, &compatServices{})
	req := httptest.NewRequest(http.MethodGet, "/compat/api/v4/users/me", nil)
	req.Header.Set(UserIDHeader, appUser)
	req = req.WithContext(WithSessionID(req.Context(), appSession))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	assert.Equal(t, http.StatusBadGateway, w.Code)
	assert.Contains(t, w.Body.String(), "Site URL")
	assert.NotContains(t, w.Body.String(), appToken)
	require.NotEmpty(t, log.lines)
	for _, l := range log.lines {
		assert.NotContains(t, l, appToken)
	}
}

func TestCompatRedirects(t *testing.T) {
	const site = "https://mm.example.com"
	h := compatRouter(site+"/", &recordingLogger{}, nil, &compatServices{})
	tests := []struct {
		name, method, path string
		wantCode           int
		wantLocation       string
	}{
		{"permalink written into a post", http.MethodGet, "/compat/_redirect/pl/abc", http.StatusFound, site + "/_redirect/pl/abc"},
		{"team permalink with a query", http.MethodGet, "/compat/team/pl/abc?x=1", http.StatusFound, site + "/team/pl/abc?x=1"},
		{"the site root", http.MethodGet, "/compat", http.StatusFound, site + "/"},
		{"another host stays on the site", http.MethodGet, "/compat//evil.example/x", http.StatusFound, site + "/evil.example/x"},
		{"dot segments stay on the site", http.MethodGet, "/compat/a/../../../x", http.StatusFound, site + "/x"},
		{"a POST keeps its method", http.MethodPost, "/compat/plugins/other/api", http.StatusTemporaryRedirect, site + "/plugins/other/api"},
		{"the OAuth2 connect route of the old app path", http.MethodGet, "/compat/plugins/com.mattermost.apps/apps/hello/oauth2/remote/connect?a=b", http.StatusFound,
			site + "/plugins/lambda-apps/apps/hello/oauth2/remote/connect?a=b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(tt.method, tt.path, nil)) // anonymous: links work for anyone
			assert.Equal(t, tt.wantCode, w.Code, w.Body.String())
			assert.Equal(t, tt.wantLocation, w.Header().Get("Location"))
		})
	}
}

func TestCompatServesTheOldAppServicesAndWebhookURLs(t *testing.T) {
	svc := &compatServices{}
	hooks := &webhookRecorder{}
	h := compatRouter("https://mm.example.com", &recordingLogger{}, hooks, svc)

	req := httptest.NewRequest(http.MethodGet, "/compat/plugins/com.mattermost.apps/api/v1/kv/ab/key1", nil)
	req.Header.Set(UserIDHeader, appUser)
	req = req.WithContext(WithSessionID(req.Context(), appSession))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	assert.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.JSONEq(t, `{"v":1}`, w.Body.String())
	assert.Equal(t, []string{"ab/key1"}, svc.kvGets)

	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/compat/plugins/com.mattermost.apps/apps/hello/webhook/notify?secret=s", nil))
	assert.Equal(t, http.StatusNoContent, w.Code)
	assert.Equal(t, "hello", hooks.appID)
	assert.Equal(t, "/notify", hooks.rest)

	// The app services API needs the app's token, under the old URL too.
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/compat/plugins/com.mattermost.apps/api/v1/kv/key1", nil))
	assert.Equal(t, http.StatusUnauthorized, w.Code)
}

package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/pluginapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/aws/awsclient"
	"github.com/lambda-apps/lambda-apps/aws/lambdainvoke"
	"github.com/lambda-apps/lambda-apps/internal/lambdalocal"
	"github.com/lambda-apps/lambda-apps/internal/testservers"
	"github.com/lambda-apps/lambda-apps/server/appcall"
	"github.com/lambda-apps/lambda-apps/server/httpapi"
	"github.com/lambda-apps/lambda-apps/server/store"
	"github.com/lambda-apps/lambda-apps/server/timing"
)

type nopLog struct{}

func (nopLog) Error(string, ...any) {}
func (nopLog) Warn(string, ...any)  {}
func (nopLog) Debug(string, ...any) {}

// callStack is the plugin's call path over real parts: the HTTP router, the
// call service, the SDK invoke client and lambda-local running the sample
// app's real handler binary.
type callStack struct {
	router http.Handler
	lambda *testservers.Lambda
	fn     string
}

func newCallStack(t *testing.T, fnTimeout int) *callStack {
	t.Helper()
	hello := testservers.DeployHello(t, fnTimeout)
	lam, m, fn := hello.Lambda, *hello.Manifest, hello.Function

	clients := awsclient.New(awsclient.Options{
		Credentials: awsclient.Credentials{AccessKeyID: "AKIATEST", SecretAccessKey: "test"},
		Endpoints:   awsclient.Endpoints{Lambda: lam.URL},
	})
	invoker := lambdainvoke.New(clients.Lambda(lambdainvoke.ClientOptions), lambdainvoke.Options{
		Retry: lambdainvoke.Retry{MaxAttempts: 3, Base: time.Millisecond, Max: 5 * time.Millisecond},
	})
	st := store.NewApps(&pluginapi.MemoryStore{}, nil)
	require.NoError(t, st.Put(&store.InstalledApp{Manifest: m, BotUserID: "bot-id"}))
	calls := appcall.New(appcall.Deps{
		Apps:       st,
		Env:        appcall.FixedEnv{Lambda: invoker, Timeout: 30 * time.Second, Site: "http://mattermost.test"},
		Mattermost: readsOnlyCh{},
	})
	router := httpapi.NewRouter(httpapi.Deps{Log: nopLog{}, Calls: calls})
	return &callStack{router: router, lambda: lam, fn: fn}
}

// readsOnlyCh is a Mattermost where the user reads one channel, "ch".
type readsOnlyCh struct{}

func (readsOnlyCh) GetChannel(id string) (*model.Channel, error) { return &model.Channel{Id: id}, nil }
func (readsOnlyCh) GetPost(string) (*model.Post, error)          { return nil, errors.New("not found") }
func (readsOnlyCh) CanReadChannel(_, channelID string) bool      { return channelID == "ch" }
func (readsOnlyCh) CanViewTeam(string, string) bool              { return false }

type callResult struct {
	Type  string          `json:"type"`
	Text  string          `json:"text"`
	Form  json.RawMessage `json:"form"`
	Data  json.RawMessage `json:"data"`
	Error string          `json:"error"`
}

func (cs *callStack) call(t *testing.T, path string, values map[string]any) (int, callResult) {
	t.Helper()
	body, err := json.Marshal(map[string]any{
		"path": path, "values": values, "expand": map[string]string{"acting_user": "summary"},
		"context": map[string]string{"app_id": "hello-lambda", "channel_id": "ch"},
	})
	require.NoError(t, err)
	req := httptest.NewRequest(http.MethodPost, "/api/v1/call", bytes.NewReader(body))
	req.Header.Set(httpapi.UserIDHeader, "user-1")
	w := httptest.NewRecorder()
	cs.router.ServeHTTP(w, req)
	var res callResult
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &res), w.Body.String())
	return w.Code, res
}

func TestCallsToSampleAppOnLambdaLocal(t *testing.T) {
	cs := newCallStack(t, 2)
	tests := []struct {
		name, path string
		values     map[string]any
		wantType   string
		wantText   string
	}{
		{"ok text", "/greet", map[string]any{"name": "Ada"}, "ok", "Hello, Ada!"},
		{"app error", "/fail", nil, "error", ""},
		{"form", "/survey/form", nil, "form", ""},
		{"field errors", "/survey/submit", map[string]any{}, "error", ""},
		{"crash", "/crash", nil, "error", "Runtime.ExitError"},
		{"recovers after crash", "/greet", map[string]any{"name": "again"}, "ok", "Hello, again!"},
		{"function timeout", "/slow", map[string]any{"seconds": 10}, "error", "timed out"},
		{"unknown path", "/nowhere", nil, "error", "HTTP status 404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, res := cs.call(t, tt.path, tt.values)
			assert.Equal(t, http.StatusOK, code)
			assert.Equal(t, tt.wantType, res.Type, res.Text)
			assert.Contains(t, res.Text, tt.wantText)
			if tt.wantType == "form" {
				assert.Contains(t, string(res.Form), `"/survey/submit"`)
			}
		})
	}
}

// TestCallReportsItsSteps: the answer's Server-Timing header has the
// plugin's steps of the call, in order, and they fit in the whole; a refused
// call has the steps it went through.
func TestCallReportsItsSteps(t *testing.T) {
	cs := newCallStack(t, 2)
	send := func(channel string) http.Header {
		body := `{"path":"/greet","values":{"name":"x"},"context":{"app_id":"hello-lambda","channel_id":"` + channel + `"}}`
		req := httptest.NewRequest(http.MethodPost, "/api/v1/call", strings.NewReader(body))
		req.Header.Set(httpapi.UserIDHeader, "user-1")
		w := httptest.NewRecorder()
		cs.router.ServeHTTP(w, req)
		return w.Header()
	}
	h := send("ch").Get(timing.HeaderName)
	var names []string
	for _, e := range strings.Split(h, ", ") {
		name, _, _ := strings.Cut(e, ";")
		names = append(names, name)
	}
	assert.Equal(t, []string{"read", "verify", "expand", "invoke", "answer", "plugin"}, names, h)
	steps := timing.Parse(h)
	assert.Positive(t, steps["invoke"], "the function ran")
	assert.GreaterOrEqual(t, steps["plugin"], steps["read"]+steps["verify"]+steps["expand"]+steps["invoke"], h)

	refused := timing.Parse(send("not-mine").Get(timing.HeaderName))
	assert.Contains(t, refused, "read")
	assert.NotContains(t, refused, "invoke", "nothing was invoked")
}

func TestThrottledCallsAreRetriedThenReported(t *testing.T) {
	cs := newCallStack(t, 5)
	zero := 0
	require.NoError(t, cs.lambda.SetReservedConcurrency(cs.fn, &zero))
	code, res := cs.call(t, "/greet", nil)
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "error", res.Type)
	assert.Contains(t, res.Text, "throttled")

	require.NoError(t, cs.lambda.SetReservedConcurrency(cs.fn, nil))
	_, res = cs.call(t, "/greet", map[string]any{"name": "later"})
	assert.Equal(t, "Hello, later!", res.Text)
}

func TestCallToUndeployedFunction(t *testing.T) {
	cs := newCallStack(t, 5)
	// A second lambda-local without the function stands for a region where
	// the app was never deployed.
	empty := testservers.LambdaLocal(t, lambdalocal.Config{})
	cs2 := *cs
	clients := awsclient.New(awsclient.Options{
		Credentials: awsclient.Credentials{AccessKeyID: "AKIATEST", SecretAccessKey: "test"},
		Endpoints:   awsclient.Endpoints{Lambda: empty.URL},
	})
	inv := lambdainvoke.New(clients.Lambda(lambdainvoke.ClientOptions), lambdainvoke.Options{})
	_, err := inv.Call(context.Background(), cs2.fn, "/ping", []byte(`{}`))
	require.ErrorIs(t, err, lambdainvoke.ErrNotDeployed)
	assert.Contains(t, err.Error(), "appsctl aws deploy")
}

//go:build bench

package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/pluginapi"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/awsclient"
	"github.com/lambda-apps/lambda-apps/aws/lambdainvoke"
	"github.com/lambda-apps/lambda-apps/internal/testservers"
	"github.com/lambda-apps/lambda-apps/server/appcall"
	"github.com/lambda-apps/lambda-apps/server/httpapi"
	"github.com/lambda-apps/lambda-apps/server/store"
)

type nopLog struct{}

func (nopLog) Error(string, ...any) {}
func (nopLog) Warn(string, ...any)  {}
func (nopLog) Debug(string, ...any) {}

// callPaths sets up the sample app in lambda-local and returns the two ways
// to call it: a direct SDK Invoke and the plugin's /api/v1/call handler.
func callPaths(tb testing.TB) (direct func() error, viaPlugin func() error) {
	tb.Helper()
	hello := testservers.DeployHello(tb, 10)
	lam, m, fn := hello.Lambda, hello.Manifest, hello.Function
	clients := awsclient.New(awsclient.Options{
		Credentials: awsclient.Credentials{AccessKeyID: "AKIABENCH", SecretAccessKey: "bench"},
		Endpoints:   awsclient.Endpoints{Lambda: lam.URL},
	})

	// Baseline: the SDK Invoke the plugin makes, with the same payload.
	sdk := clients.Lambda(lambdainvoke.ClientOptions)
	creq, err := json.Marshal(apps.CallRequest{Call: apps.Call{Path: "/greet"}, Values: map[string]any{"name": "bench"},
		Context: apps.Context{AppID: m.AppID}})
	require.NoError(tb, err)
	payload, err := lambdainvoke.EncodeEvent("/greet", creq)
	require.NoError(tb, err)
	direct = func() error {
		out, err := sdk.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String(fn), Payload: payload})
		if err == nil {
			_, err = lambdainvoke.DecodeResponse(out.Payload)
		}
		return err
	}

	// The plugin's HTTP handler, call service and invoke client.
	st := store.NewApps(&pluginapi.MemoryStore{}, nil)
	require.NoError(tb, st.Put(&store.InstalledApp{Manifest: *m, BotUserID: "bot"}))
	inv := lambdainvoke.New(sdk, lambdainvoke.Options{})
	calls := appcall.New(appcall.Deps{
		Apps: st, Env: appcall.FixedEnv{Lambda: inv, Timeout: 30 * time.Second, Site: "http://mm.bench"},
		Mattermost: readsAll{},
	})
	router := httpapi.NewRouter(httpapi.Deps{Log: nopLog{}, Calls: calls})
	body := []byte(`{"path":"/greet","values":{"name":"bench"},"context":{"app_id":"hello-lambda","channel_id":"ch"}}`)
	// The request is built the way the Mattermost server hands it to the
	// plugin (already parsed), not from raw HTTP text as httptest does.
	viaPlugin = func() error {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, "/api/v1/call", bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set(httpapi.UserIDHeader, "user")
		w := &recorder{header: http.Header{}, code: http.StatusOK}
		router.ServeHTTP(w, req)
		if w.code != http.StatusOK || !bytes.Contains(w.body.Bytes(), []byte("Hello, bench!")) {
			return &callErr{w.code, w.body.String()}
		}
		return nil
	}
	return direct, viaPlugin
}

// recorder is a minimal http.ResponseWriter.
type recorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(code int)        { r.code = code }
func (r *recorder) Write(p []byte) (int, error) { return r.body.Write(p) }

type callErr struct {
	code int
	body string
}

func (e *callErr) Error() string { return e.body }

func BenchmarkCallDirectInvoke(b *testing.B) {
	direct, _ := callPaths(b)
	require.NoError(b, direct())
	b.ResetTimer()
	for range b.N {
		if err := direct(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCallViaPlugin(b *testing.B) {
	_, via := callPaths(b)
	require.NoError(b, via())
	b.ResetTimer()
	for range b.N {
		if err := via(); err != nil {
			b.Fatal(err)
		}
	}
}

// measureCalls runs both paths interleaved so that machine noise hits both.
func measureCalls(t *testing.T, r *report, n int) {
	direct, via := callPaths(t)
	for range 50 { // warm up processes and connections
		require.NoError(t, direct())
		require.NoError(t, via())
	}
	d := make([]time.Duration, 0, n)
	p := make([]time.Duration, 0, n)
	for i := range n {
		first, second := direct, via
		if i%2 == 1 {
			first, second = via, direct
		}
		t0 := time.Now()
		require.NoError(t, first())
		t1 := time.Now()
		require.NoError(t, second())
		t2 := time.Now()
		if i%2 == 0 {
			d, p = append(d, t1.Sub(t0)), append(p, t2.Sub(t1))
		} else {
			p, d = append(p, t1.Sub(t0)), append(d, t2.Sub(t1))
		}
	}
	d, p = sortDurations(d), sortDurations(p)
	dm, pm := percentile(d, 50), percentile(p, 50)
	d99, p99 := percentile(d, 99), percentile(p, 99)
	over := float64(pm-dm) / float64(dm) * 100
	over99 := float64(p99-d99) / float64(d99) * 100
	r.add("call /api/v1/call median", ms(pm), ms(dm)+" direct Invoke", "overhead ≤ 15%", over <= 15)
	r.add("  overhead (median)", pct(over), "", "", true)
	r.add("call /api/v1/call p99", ms(p99), ms(d99)+" direct Invoke", "overhead ≤ 15%", over99 <= 15)
	r.add("  overhead (p99)", pct(over99), "", "", true)
}

// readsAll is a Mattermost where the user reads every channel (the call
// path's context check costs what a real check's RPCs cost the server, not
// measured here).
type readsAll struct{}

func (readsAll) GetChannel(id string) (*model.Channel, error) { return &model.Channel{Id: id}, nil }
func (readsAll) GetPost(id string) (*model.Post, error)       { return &model.Post{Id: id}, nil }
func (readsAll) CanReadChannel(string, string) bool           { return true }
func (readsAll) CanViewTeam(string, string) bool              { return true }

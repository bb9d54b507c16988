package lambdainvoke

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/aws/awsclient"
)

// fakeLambda serves the Lambda Invoke API with a programmable answer, so the
// real SDK client is exercised end to end.
type fakeLambda struct {
	calls   atomic.Int64
	handler func(w http.ResponseWriter, r *http.Request, ev Event, n int64)
}

func (f *fakeLambda) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := f.calls.Add(1)
	if !strings.HasPrefix(r.URL.Path, "/2015-03-31/functions/") || !strings.HasSuffix(r.URL.Path, "/invocations") {
		http.Error(w, "unexpected path "+r.URL.Path, http.StatusBadRequest)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var ev Event
	_ = json.Unmarshal(body, &ev)
	f.handler(w, r, ev, n)
}

func awsError(w http.ResponseWriter, code int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", typ)
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"Type": "User", "message": msg})
}

func okPayload(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "application/json")
	b, _ := json.Marshal(Response{StatusCode: 200, Body: body})
	_, _ = w.Write(b)
}

func newTestClient(t *testing.T, f *fakeLambda) (*Client, *[]time.Duration) {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	clients := awsclient.New(awsclient.Options{
		Credentials: awsclient.Credentials{AccessKeyID: "AKIAFAKE", SecretAccessKey: "fake"},
		Endpoints:   awsclient.Endpoints{Lambda: srv.URL},
	})
	var slept []time.Duration
	c := New(clients.Lambda(ClientOptions), Options{Sleep: func(_ context.Context, d time.Duration) error {
		slept = append(slept, d)
		return nil
	}})
	return c, &slept
}

func TestCall(t *testing.T) {
	tests := []struct {
		name    string
		handler func(w http.ResponseWriter, r *http.Request, ev Event, n int64)
		want    string
		wantErr error
		errText string
		calls   int64
	}{
		{
			name: "ok echoes path and body",
			handler: func(w http.ResponseWriter, r *http.Request, ev Event, _ int64) {
				okPayload(w, `{"type":"ok","text":"`+ev.Path+` `+r.Header.Get("X-Amz-Invocation-Type")+`"}`)
			},
			want: `{"type":"ok","text":"/greet RequestResponse"}`, calls: 1,
		},
		{
			name: "function error",
			handler: func(w http.ResponseWriter, _ *http.Request, _ Event, _ int64) {
				w.Header().Set("X-Amz-Function-Error", "Unhandled")
				_, _ = w.Write([]byte(`{"errorType":"Runtime.ExitError","errorMessage":"exit status 2"}`))
			},
			errText: "function hello_1_main failed: Runtime.ExitError: exit status 2", calls: 1,
		},
		{
			name: "status 500",
			handler: func(w http.ResponseWriter, _ *http.Request, _ Event, _ int64) {
				b, _ := json.Marshal(Response{StatusCode: 500, Body: "internal"})
				_, _ = w.Write(b)
			},
			errText: "the app answered with HTTP status 500: internal", calls: 1,
		},
		{
			name: "not deployed",
			handler: func(w http.ResponseWriter, _ *http.Request, _ Event, _ int64) {
				awsError(w, 404, "ResourceNotFoundException", "Function not found")
			},
			wantErr: ErrNotDeployed, errText: "appsctl aws deploy", calls: 1,
		},
		{
			name: "throttled then ok",
			handler: func(w http.ResponseWriter, _ *http.Request, _ Event, n int64) {
				if n < 3 {
					awsError(w, 429, "TooManyRequestsException", "Rate exceeded")
					return
				}
				okPayload(w, `{"type":"ok"}`)
			},
			want: `{"type":"ok"}`, calls: 3,
		},
		{
			name: "throttled always",
			handler: func(w http.ResponseWriter, _ *http.Request, _ Event, _ int64) {
				awsError(w, 429, "TooManyRequestsException", "Rate exceeded")
			},
			wantErr: ErrThrottled, errText: "Rate exceeded", calls: 4,
		},
		{
			name: "access denied",
			handler: func(w http.ResponseWriter, _ *http.Request, _ Event, _ int64) {
				awsError(w, 403, "AccessDeniedException", "not authorized")
			},
			wantErr: ErrAccessDenied, calls: 1,
		},
		{
			name: "server error not retried",
			handler: func(w http.ResponseWriter, _ *http.Request, _ Event, _ int64) {
				awsError(w, 500, "ServiceException", "boom")
			},
			errText: "invoke hello_1_main", calls: 1,
		},
		{
			name: "response too large",
			handler: func(w http.ResponseWriter, _ *http.Request, _ Event, _ int64) {
				okPayload(w, strings.Repeat("x", MaxResponsePayload))
			},
			errText: "larger than", calls: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeLambda{handler: tt.handler}
			c, slept := newTestClient(t, f)
			body, err := c.Call(context.Background(), "hello_1_main", "/greet", []byte(`{"path":"/greet"}`))
			assert.Equal(t, tt.calls, f.calls.Load())
			if tt.wantErr == nil && tt.errText == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.want, string(body))
			} else {
				require.Error(t, err)
				if tt.wantErr != nil {
					assert.ErrorIs(t, err, tt.wantErr)
				}
				assert.Contains(t, err.Error(), tt.errText)
			}
			assert.Len(t, *slept, int(tt.calls-1), "one backoff wait per retry")
			for _, d := range *slept {
				assert.LessOrEqual(t, d, DefaultRetry.Max)
			}
		})
	}
}

func TestCallFunctionErrorDetails(t *testing.T) {
	f := &fakeLambda{handler: func(w http.ResponseWriter, _ *http.Request, _ Event, _ int64) {
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		_, _ = w.Write([]byte(`{"errorType":"errorString","errorMessage":"asked to fail"}`))
	}}
	c, _ := newTestClient(t, f)
	_, err := c.Call(context.Background(), "fn", "/", nil)
	var fe *FunctionError
	require.True(t, errors.As(err, &fe))
	assert.Equal(t, FunctionError{Function: "fn", Kind: "Unhandled", Type: "errorString", Message: "asked to fail"}, *fe)
}

func TestCallTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	f := &fakeLambda{handler: func(w http.ResponseWriter, r *http.Request, _ Event, _ int64) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}}
	c, _ := newTestClient(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := c.Call(ctx, "slow", "/", nil)
	require.ErrorIs(t, err, ErrTimeout)
	assert.Contains(t, err.Error(), "slow")
}

func TestPayloadLimits(t *testing.T) {
	f := &fakeLambda{handler: func(w http.ResponseWriter, _ *http.Request, _ Event, _ int64) { okPayload(w, "{}") }}
	c, _ := newTestClient(t, f)
	_, err := c.Call(context.Background(), "fn", "/", []byte(`"`+strings.Repeat("x", MaxSyncPayload)+`"`))
	require.ErrorIs(t, err, ErrPayloadTooLarge)
	err = c.Notify(context.Background(), "fn", "/", []byte(`"`+strings.Repeat("x", MaxEventPayload)+`"`))
	require.ErrorIs(t, err, ErrPayloadTooLarge)
	assert.Zero(t, f.calls.Load(), "oversized payloads are never sent")
}

func TestNotify(t *testing.T) {
	var typ atomic.Value
	f := &fakeLambda{handler: func(w http.ResponseWriter, r *http.Request, _ Event, _ int64) {
		typ.Store(r.Header.Get("X-Amz-Invocation-Type"))
		w.WriteHeader(http.StatusAccepted)
	}}
	c, _ := newTestClient(t, f)
	require.NoError(t, c.Notify(context.Background(), "fn", "/event", []byte(`{}`)))
	assert.Equal(t, "Event", typ.Load())
}

var _ API = (*lambda.Client)(nil)

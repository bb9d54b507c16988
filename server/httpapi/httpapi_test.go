package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/server/status"
)

type nopLogger struct{ errors []string }

func (l *nopLogger) Error(msg string, _ ...any) { l.errors = append(l.errors, msg) }
func (l *nopLogger) Warn(string, ...any)        {}
func (l *nopLogger) Debug(string, ...any)       {}

func newTestRouter(log *nopLogger) http.Handler {
	return NewRouter(Deps{
		Status: statusFunc(func(context.Context) status.Report { return status.Report{PluginVersion: "9.9.9", Bucket: "b"} }),
		Admins: adminsFunc(func(id string) bool { return id == "admin" }),
		Log:    log,
	})
}

func TestRoutesAuth(t *testing.T) {
	tests := []struct {
		name, method, path, user string
		wantCode                 int
		wantError                string
	}{
		{"status as admin", http.MethodGet, "/api/v1/status", "admin", http.StatusOK, ""},
		{"status as user", http.MethodGet, "/api/v1/status", "u1", http.StatusForbidden, "manage_system"},
		{"status anonymous", http.MethodGet, "/api/v1/status", "", http.StatusUnauthorized, "not authenticated"},
		{"unknown route anonymous", http.MethodGet, "/api/v1/nope", "", http.StatusUnauthorized, "not authenticated"},
		{"unknown route", http.MethodGet, "/api/v1/nope", "u1", http.StatusNotFound, "no such route"},
		{"wrong method", http.MethodPost, "/api/v1/status", "admin", http.StatusMethodNotAllowed, "method not allowed"},
	}
	r := newTestRouter(&nopLogger{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, nil)
			if tt.user != "" {
				req.Header.Set(UserIDHeader, tt.user)
			}
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			assert.Equal(t, tt.wantCode, w.Code, w.Body.String())
			assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
			var body map[string]any
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body))
			if tt.wantError != "" {
				assert.Contains(t, body["error"], tt.wantError)
			} else {
				assert.Equal(t, "9.9.9", body["plugin_version"])
			}
		})
	}
}

func TestPanicRecovered(t *testing.T) {
	log := &nopLogger{}
	r := NewRouter(Deps{
		Status: statusFunc(func(context.Context) status.Report { panic("kaboom") }),
		Admins: adminsFunc(func(string) bool { return true }),
		Log:    log,
	})
	req := httptest.NewRequest(http.MethodGet, "/api/v1/status", nil)
	req.Header.Set(UserIDHeader, "admin")
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	assert.Equal(t, http.StatusInternalServerError, w.Code)
	assert.JSONEq(t, `{"error":"internal error"}`, w.Body.String())
	assert.Len(t, log.errors, 1)
}

func TestPprofIsForAdmins(t *testing.T) {
	r := newTestRouter(&nopLogger{})
	for _, tt := range []struct {
		path, user string
		want       int
	}{
		{"/api/v1/debug/pprof/goroutine?debug=1", "", http.StatusUnauthorized},
		{"/api/v1/debug/pprof/goroutine?debug=1", "u1", http.StatusForbidden},
		{"/api/v1/debug/pprof/goroutine?debug=1", "admin", http.StatusOK},
		{"/api/v1/debug/pprof/", "admin", http.StatusOK},
		{"/api/v1/debug/pprof/nope", "admin", http.StatusNotFound},
	} {
		req := httptest.NewRequest(http.MethodGet, tt.path, nil)
		if tt.user != "" {
			req.Header.Set(UserIDHeader, tt.user)
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		assert.Equal(t, tt.want, w.Code, "%s as %q", tt.path, tt.user)
		if tt.want == http.StatusOK && tt.path != "/api/v1/debug/pprof/" {
			assert.Contains(t, w.Body.String(), "goroutine profile: total")
		}
	}
}

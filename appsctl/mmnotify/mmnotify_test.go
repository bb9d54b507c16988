package mmnotify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// request is what the fake plugin recorded.
type request struct {
	Method, Path, Auth, ContentType string
	Body                            string
}

// fakePlugin stands in for the plugin's admin routes.
type fakePlugin struct {
	mu       sync.Mutex
	requests []request
	status   int
	body     string
}

func (f *fakePlugin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.requests = append(f.requests, request{r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), string(body)})
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.status)
	_, _ = io.WriteString(w, f.body)
}

func TestNew(t *testing.T) {
	tests := []struct {
		site, token, wantErr, wantSite string
	}{
		{site: "https://mm.example.com/", token: "tok", wantSite: "https://mm.example.com"},
		{site: "http://localhost:8065/sub/", token: " tok ", wantSite: "http://localhost:8065/sub"},
		{site: "mm.example.com", token: "tok", wantErr: "MM_SERVICESETTINGS_SITEURL"},
		{site: "ftp://mm.example.com", token: "tok", wantErr: "not an http(s) URL"},
		{site: "https://mm.example.com", token: " ", wantErr: "MM_ADMIN_TOKEN is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.site, func(t *testing.T) {
			c, err := New(tt.site, tt.token, nil)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantSite, c.SiteURL())
		})
	}
}

func TestRequests(t *testing.T) {
	tests := []struct {
		name      string
		call      func(context.Context, *Client) error
		status    int
		respBody  string
		want      request
		wantErr   []string
		wantNoErr bool
	}{
		{
			name: "refresh", call: func(ctx context.Context, c *Client) error { return c.Refresh(ctx) },
			status: 200, respBody: `{"apps":3}`, wantNoErr: true,
			want: request{Method: "POST", Path: "/sub/plugins/lambda-apps/api/v1/refresh", Auth: "Bearer secret-token", ContentType: "application/json", Body: `{}`},
		},
		{
			name: "install", call: func(ctx context.Context, c *Client) error {
				return c.InstallApp(ctx, InstallRequest{AppID: "com.example.hello", Version: "1.0.0"})
			},
			status: 201, respBody: `{}`, wantNoErr: true,
			want: request{Method: "POST", Path: "/sub/plugins/lambda-apps/api/v1/install-app", Auth: "Bearer secret-token", ContentType: "application/json",
				Body: `{"app_id":"com.example.hello","version":"1.0.0"}`},
		},
		{
			name: "JSON error field is shown", call: func(ctx context.Context, c *Client) error {
				return c.InstallApp(ctx, InstallRequest{AppID: "a.b", Version: "1"})
			},
			status: 409, respBody: `{"error":"app a.b is already installed"}`,
			want:    request{Method: "POST", Path: "/sub/plugins/lambda-apps/api/v1/install-app", Auth: "Bearer secret-token", ContentType: "application/json", Body: `{"app_id":"a.b","version":"1"}`},
			wantErr: []string{"install app a.b 1", "409", "app a.b is already installed"},
		},
		{
			name: "403 says the user must be an admin", call: func(ctx context.Context, c *Client) error { return c.Refresh(ctx) },
			status: 403, respBody: `{"error":"forbidden"}`,
			want:    request{Method: "POST", Path: "/sub/plugins/lambda-apps/api/v1/refresh", Auth: "Bearer secret-token", ContentType: "application/json", Body: `{}`},
			wantErr: []string{"403", "forbidden", "system admin"},
		},
		{
			name: "404 without JSON hints at the plugin", call: func(ctx context.Context, c *Client) error { return c.Refresh(ctx) },
			status: 404, respBody: `404 page not found`,
			want:    request{Method: "POST", Path: "/sub/plugins/lambda-apps/api/v1/refresh", Auth: "Bearer secret-token", ContentType: "application/json", Body: `{}`},
			wantErr: []string{"404 page not found", "plugin installed and enabled"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakePlugin{status: tt.status, body: tt.respBody}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			c, err := New(srv.URL+"/sub", "secret-token", srv.Client())
			require.NoError(t, err)
			err = tt.call(context.Background(), c)
			if tt.wantNoErr {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
				var e *Error
				require.ErrorAs(t, err, &e)
				assert.Equal(t, tt.status, e.Status)
				for _, s := range tt.wantErr {
					assert.Contains(t, err.Error(), s)
				}
				assert.NotContains(t, err.Error(), "secret-token")
			}
			require.Len(t, fake.requests, 1)
			got := fake.requests[0]
			assert.JSONEq(t, tt.want.Body, got.Body)
			got.Body = tt.want.Body
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c, err := New(url, "tok", nil)
	require.NoError(t, err)
	err = c.Refresh(context.Background())
	require.ErrorContains(t, err, "cannot reach")
	assert.Contains(t, err.Error(), EnvSiteURL)
}

func TestInstallRequestJSON(t *testing.T) {
	b, err := json.Marshal(InstallRequest{AppID: "x", Version: ""})
	require.NoError(t, err)
	assert.JSONEq(t, `{"app_id":"x","version":""}`, string(b), "no grant field without consent")
	b, err = json.Marshal(InstallRequest{AppID: "x", Version: "2", Grant: true})
	require.NoError(t, err)
	assert.JSONEq(t, `{"app_id":"x","version":"2","grant":true}`, string(b))
}

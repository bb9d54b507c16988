package status

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/lambda-apps/lambda-apps/aws/awsclient"
	"github.com/lambda-apps/lambda-apps/server/catalog"
	"github.com/lambda-apps/lambda-apps/server/config"
)

const (
	testKey    = "AKIATESTKEY000000001"
	testSecret = "t0p/s3cret+value/never/shown/0000000000"
)

func testConfig(t *testing.T, endpoint, bucket string) *config.Config {
	t.Helper()
	env := map[string]string{
		config.EnvAccessKey: testKey, config.EnvSecretKey: testSecret,
		config.EnvBucket: bucket, "AWS_ENDPOINT_URL_S3": endpoint,
	}
	return config.Load(config.Settings{}, func(k string) string { return env[k] })
}

func check(t *testing.T, cfg *config.Config) Report {
	t.Helper()
	clients := awsclient.New(awsclient.Options{Region: cfg.Region, Credentials: cfg.Credentials, Endpoints: cfg.Endpoints, MaxAttempts: 1})
	return Check(context.Background(), "1.0.0", cfg, clients.S3(), catalog.Status{}, nil)
}

func TestCheckAgainstS3Server(t *testing.T) {
	backend := s3mem.New()
	require.NoError(t, backend.CreateBucket("apps-bucket"))
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	defer srv.Close()

	ok := check(t, testConfig(t, srv.URL, "apps-bucket"))
	assert.True(t, ok.BucketReachable, ok.BucketError)
	assert.Empty(t, ok.BucketError)
	assert.Equal(t, srv.URL, ok.S3Endpoint)

	missing := check(t, testConfig(t, srv.URL, "other-bucket"))
	assert.False(t, missing.BucketReachable)
	assert.Contains(t, missing.BucketError, `bucket "other-bucket" does not exist`)
}

func TestCheckProblems(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closedURL := "http://" + closed.Addr().String()
	require.NoError(t, closed.Close())

	forbidden := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusForbidden)
	}))
	defer forbidden.Close()

	tests := []struct {
		name, endpoint, want string
	}{
		{"unreachable", closedURL, "S3 endpoint unreachable"},
		{"access denied", forbidden.URL, "access denied: the invoke credentials may not read bucket"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := check(t, testConfig(t, tt.endpoint, "apps-bucket"))
			assert.False(t, r.BucketReachable)
			assert.Contains(t, r.BucketError, tt.want)
			md := r.Markdown()
			for _, secret := range []string{testKey, testSecret} {
				assert.NotContains(t, r.BucketError, secret)
				assert.NotContains(t, md, secret)
			}
		})
	}
}

func TestCheckWithoutCredentials(t *testing.T) {
	cfg := config.Load(config.Settings{}, func(string) string { return "" })
	r := Check(context.Background(), "1.0.0", cfg, nil, catalog.Status{}, nil)
	assert.False(t, r.CredentialsSet)
	assert.False(t, r.BucketReachable)
	assert.Contains(t, r.BucketError, "MM_APPS_AWS_ACCESS_KEY and MM_APPS_AWS_SECRET_KEY")
	md := r.Markdown()
	assert.Contains(t, md, "| Invoke credentials | not set |")
	assert.Contains(t, md, "| Bucket | `mattermost-apps-bucket` (default) |")
}

func TestMarkdownEscapesTableCells(t *testing.T) {
	r := Report{PluginVersion: "1", BucketError: "a|b\nc", Problems: []string{"x|y"}}
	md := r.Markdown()
	assert.Contains(t, md, `| Bucket reachable | no: a\|b c |`)
	assert.Contains(t, md, `| Configuration problem | x\|y |`)
	assert.Equal(t, 10, strings.Count(md, "\n|")) // header row, separator, 8 rows
}

// leakyS3 fails with an error that quotes the credentials, as a badly
// behaved S3-compatible store might.
type leakyS3 struct{}

func (leakyS3) HeadBucket(context.Context, *s3.HeadBucketInput, ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	return nil, errors.New("bad key " + testKey + " with secret " + testSecret)
}

func TestCheckRedactsSecrets(t *testing.T) {
	r := Check(context.Background(), "1.0.0", testConfig(t, "http://127.0.0.1:1", "apps-bucket"), leakyS3{},
		catalog.Status{LastError: "sync failed for " + testKey}, nil)
	assert.Equal(t, "sync failed for ********", r.LastError)
	assert.Contains(t, r.BucketError, "bad key ******** with secret ********")
	assert.NotContains(t, r.Markdown(), testSecret)
	assert.NotContains(t, r.Markdown(), testKey)
}

func TestPublic(t *testing.T) {
	apps := []InstalledApp{
		{AppID: "zeta", Version: "2", Enabled: true},
		{AppID: "hello", Name: "Hello", Version: "1.0.0", Enabled: true},
		{AppID: "admin-tool", Name: "Admin Tool", Version: "3", Enabled: false},
		{AppID: "pipes", Name: "a|b\nc", Version: "1", Enabled: true},
	}
	tests := []struct {
		name     string
		report   Report
		want     Availability
		wantApps []PublicApp
		wantText []string
	}{
		{
			name:     "available",
			report:   Report{PluginVersion: "1.0.0", CredentialsSet: true, BucketReachable: true, InstalledApps: apps},
			want:     Available,
			wantApps: []PublicApp{{"pipes", "a|b\nc", "1"}, {"hello", "Hello", "1.0.0"}, {"zeta", "zeta", "2"}},
			wantText: []string{
				"#### Lambda Apps 1.0.0\n\nApps are available.\n\n",
				"| App | ID | Version |\n|:--|:--|:--|\n| a\\|b c | `pipes` | 1 |\n| Hello | `hello` | 1.0.0 |\n| zeta | `zeta` | 2 |\n",
			},
		},
		{
			name: "bucket unreachable: limited",
			report: Report{PluginVersion: "1.0.0", CredentialsSet: true, Bucket: "private-bucket", BucketError: "S3 endpoint unreachable",
				Problems: []string{"bad timeout"}, Status: catalog.Status{LastError: "sync failed"}},
			want:     Limited,
			wantApps: []PublicApp{},
			wantText: []string{"Apps are available, but some of their features may not work right now.", "No apps are installed.\n"},
		},
		{
			name:     "catalog and configuration problems do not stop apps",
			report:   Report{CredentialsSet: true, BucketReachable: true, Problems: []string{"bad timeout"}, Status: catalog.Status{LastError: "sync failed"}},
			want:     Available,
			wantApps: []PublicApp{},
			wantText: []string{"Apps are available.\n"},
		},
		{
			name:     "no credentials: unavailable",
			report:   Report{PluginVersion: "1.0.0", BucketError: "not checked: AWS apps are unavailable until MM_APPS_AWS_ACCESS_KEY"},
			want:     Unavailable,
			wantApps: []PublicApp{},
			wantText: []string{"Apps are not available on this server yet. A system administrator can see why with `/apps info`."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.report.Public()
			assert.Equal(t, tt.want, p.Availability)
			assert.Equal(t, tt.wantApps, p.Apps)
			md := p.Markdown()
			for _, w := range tt.wantText {
				assert.Contains(t, md, w)
			}
			for _, hidden := range []string{"private-bucket", "S3 endpoint unreachable", "bad timeout", "sync failed", "MM_APPS_AWS", "Admin Tool", "admin-tool"} {
				assert.NotContains(t, md, hidden)
			}
		})
	}
}

func TestPublicJSONHasNoAWSDetails(t *testing.T) {
	r := Check(context.Background(), "1.0.0", testConfig(t, "http://127.0.0.1:1", "apps-bucket"), leakyS3{},
		catalog.Status{LastError: "sync failed"}, []InstalledApp{{AppID: "hello", Version: "1", Enabled: true}})
	b, err := json.Marshal(r.Public())
	require.NoError(t, err)
	assert.JSONEq(t, `{"plugin_version":"1.0.0","availability":"limited","apps":[{"app_id":"hello","name":"hello","version":"1"}]}`, string(b))
}

package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/internal/testaws"
)

// consentPlugin stands in for the plugin's /refresh and /install-app: an
// install without "grant": true is refused as an upgrade that asks for new
// permissions would be (HTTP 409, code consent_required).
type consentPlugin struct {
	mu       sync.Mutex
	requests []string // "PATH BODY"
}

func (f *consentPlugin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.requests = append(f.requests, r.URL.Path+" "+string(body))
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	var req struct {
		AppID   string `json:"app_id"`
		Version string `json:"version"`
		Grant   bool   `json:"grant"`
	}
	if r.URL.Path != "/plugins/lambda-apps/api/v1/install-app" || json.Unmarshal(body, &req) != nil || req.Grant {
		_, _ = io.WriteString(w, `{}`)
		return
	}
	w.WriteHeader(http.StatusConflict)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"error": "consent required: app " + req.AppID + " " + req.Version + " asks for what the installed version 0.9 was not granted",
		"code":  "consent_required", "app_id": req.AppID, "version": req.Version, "installed_version": "0.9",
		"new_permissions": []string{"act_as_user"}, "new_locations": []string{"/post_menu"},
	})
}

func (f *consentPlugin) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.requests
	f.requests = nil
	return r
}

// consentBundle is a bundle of consent.app 1.0.0 asking for permissions and
// locations.
func consentBundle(t *testing.T) string {
	t.Helper()
	manifest, err := json.Marshal(map[string]any{
		"app_id": "consent.app", "version": "1.0.0", "display_name": "Consent", "homepage_url": "https://example.com",
		"requested_permissions": []string{"act_as_bot", "act_as_user"}, "requested_locations": []string{"/command", "/post_menu"},
		"aws_lambda": map[string]any{"functions": []map[string]string{
			{"path": "/", "name": "main", "handler": "bootstrap", "runtime": "provided.al2023"},
		}},
	})
	require.NoError(t, err)
	return writeBundle(t, map[string][]byte{"manifest.json": manifest, "main.zip": innerZip(t, "bootstrap", "consent app")})
}

// TestDeployGrantFlagChecks: --grant is refused before anything is
// deployed unless --install is given.
func TestDeployGrantFlagChecks(t *testing.T) {
	deployEnv := map[string]string{
		"AWS_ENDPOINT_URL":              "http://127.0.0.1:1", // nothing answers: a deploy that starts fails differently
		"MM_APPS_DEPLOY_AWS_ACCESS_KEY": "AKIADEPLOYKEYVALUE01",
		"MM_APPS_DEPLOY_AWS_SECRET_KEY": "deploy-secret-value-01",
	}
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		code    int
		wantErr string
	}{
		{name: "--grant without --install", env: deployEnv, args: []string{"--grant"}, code: exitUsage,
			wantErr: "--grant needs --install: it consents to what the app asks for when Mattermost installs it"},
		{name: "--grant --install without Mattermost", env: deployEnv, args: []string{"--install", "--grant"}, code: exitFailure,
			wantErr: "--install needs Mattermost"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runCLI(t, tt.env, append([]string{"aws", "deploy", legacyBundle}, tt.args...)...)
			assert.Equal(t, tt.code, res.code)
			assert.Contains(t, res.errOut, tt.wantErr)
			assert.NotContains(t, res.errOut, "AWS could not be reached", "refused before AWS is asked")
		})
	}
}

// TestDeployInstallConsent deploys to moto and installs on a stand-in
// Mattermost that wants consent: --install alone stops and says how to
// consent, --install --grant sends the consent.
func TestDeployInstallConsent(t *testing.T) {
	m := testaws.StartMoto(t)
	env := awsEnv(m, "us-east-1")
	require.Equal(t, exitOK, runCLI(t, env, "aws", "init", "--create").code)
	path := consentBundle(t)
	require.Equal(t, exitOK, runCLI(t, env, "aws", "deploy", path).code)

	fake := &consentPlugin{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	mmEnv := merge(env, map[string]string{"MM_SERVICESETTINGS_SITEURL": srv.URL, "MM_ADMIN_TOKEN": "admin-token-value"})

	const refresh = "/plugins/lambda-apps/api/v1/refresh {}"
	tests := []struct {
		name         string
		flags        []string
		code         int
		wantRequests []string
		wantErr      []string
		wantOut      string
	}{
		{
			name: "--install without --grant stops and names what is new", flags: []string{"--install"}, code: exitFailure,
			wantRequests: []string{refresh, `/plugins/lambda-apps/api/v1/install-app {"app_id":"consent.app","version":"1.0.0"}`},
			wantErr: []string{
				"the app was deployed and listed, but not installed: consent.app 1.0.0 asks for what the installed version 0.9 was not granted: permissions act_as_user; locations /post_menu.",
				"run this deploy again with --install --grant",
				"`/apps install listed consent.app --version 1.0.0`",
			},
		},
		{
			name: "--install --grant consents", flags: []string{"--install", "--grant"}, code: exitOK,
			wantRequests: []string{refresh, `/plugins/lambda-apps/api/v1/install-app {"app_id":"consent.app","version":"1.0.0","grant":true}`},
			wantOut:      "Installed consent.app 1.0.0 on Mattermost, granting what it asks for.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runCLI(t, mmEnv, append([]string{"aws", "deploy", path, "--update"}, tt.flags...)...)
			require.Equal(t, tt.code, res.code)
			assert.Equal(t, tt.wantRequests, fake.take())
			for _, s := range tt.wantErr {
				assert.Contains(t, res.errOut, s)
			}
			if tt.wantOut != "" {
				assert.Contains(t, res.out, tt.wantOut)
			}
			if tt.code != exitOK {
				assert.NotContains(t, res.out, "Installed consent.app")
				assert.Equal(t, 1, strings.Count(res.errOut, "Error:"), "exactly one error message")
			}
		})
	}
}

//go:build e2e

// Package e2e holds the end-to-end suite. It runs against the real stack
// that build/scripts/e2e.sh brings up (Mattermost + PostgreSQL + moto + the
// plugin) and fails, never skips, when a part of it is missing.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/require"

	lambdaapps "github.com/lambda-apps/lambda-apps"
)

var pluginID = lambdaapps.PluginID

// stack is what e2e.sh exported about the running stack.
type stack struct {
	url, adminToken, userToken, teamID, channelID string
	script, serverEnvFile                         string
}

func mustEnv(t testing.TB, k string) string {
	t.Helper()
	v := os.Getenv(k)
	if v == "" {
		t.Fatalf("%s is not set: run the suite through `make e2e` (build/scripts/e2e.sh), which starts the stack", k)
	}
	return v
}

func getStack(t testing.TB) *stack {
	t.Helper()
	return &stack{
		url:           mustEnv(t, "MM_URL"),
		adminToken:    mustEnv(t, "MM_ADMIN_TOKEN"),
		userToken:     mustEnv(t, "MM_USER_TOKEN"),
		teamID:        mustEnv(t, "MM_TEAM_ID"),
		channelID:     mustEnv(t, "MM_CHANNEL_ID"),
		script:        mustEnv(t, "MM_STACK_SCRIPT"),
		serverEnvFile: mustEnv(t, "MM_SERVER_ENV_FILE"),
	}
}

func (s *stack) client(token string) *model.Client4 {
	c := model.NewAPIv4Client(s.url)
	c.SetToken(token)
	return c
}

// command runs a slash command in the test channel and returns its text.
func (s *stack) command(t testing.TB, token, line string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, _, err := s.client(token).ExecuteCommandWithTeam(ctx, s.channelID, s.teamID, line)
	require.NoError(t, err, "executing %q", line)
	return resp.Text
}

// pluginGET does an authenticated GET on a plugin route; token "" sends none.
func (s *stack) pluginGET(t testing.TB, token, path string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.url+"/plugins/"+pluginID+path, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, body
}

func (s *stack) waitPluginRunning(t testing.TB) {
	t.Helper()
	c := s.client(s.adminToken)
	deadline := time.Now().Add(60 * time.Second)
	last := ""
	for time.Now().Before(deadline) {
		statuses, _, err := c.GetPluginStatuses(context.Background())
		if err == nil {
			for _, st := range statuses {
				if st.PluginId == pluginID {
					if st.State == model.PluginStateRunning {
						return
					}
					last = fmt.Sprintf("state %d %s", st.State, st.Error)
				}
			}
		} else {
			last = err.Error()
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("plugin %s is not running: %s", pluginID, last)
}

func readEnvFile(t testing.TB, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	env := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(strings.TrimSpace(k), "#") {
			env[strings.TrimSpace(k)] = v
		}
	}
	return env
}

func writeEnvFile(t testing.TB, path string, env map[string]string) {
	t.Helper()
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%s\n", k, env[k])
	}
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o600))
}

// restartWithEnv restarts the Mattermost server with its environment
// changed by edit, and restores the original environment (with another
// restart) when the test ends.
func (s *stack) restartWithEnv(t *testing.T, edit func(env map[string]string)) {
	t.Helper()
	orig := readEnvFile(t, s.serverEnvFile)
	env := readEnvFile(t, s.serverEnvFile)
	edit(env)
	writeEnvFile(t, s.serverEnvFile, env)
	s.restart(t)
	t.Cleanup(func() {
		writeEnvFile(t, s.serverEnvFile, orig)
		s.restart(t)
	})
}

func (s *stack) restart(t testing.TB) {
	t.Helper()
	cmd := exec.Command("bash", s.script, "restart")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "restarting Mattermost: %s", out)
	s.waitPluginRunning(t)
}

func decodeJSON(t testing.TB, body []byte, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(body, v), "body: %s", body)
}

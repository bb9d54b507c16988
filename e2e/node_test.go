//go:build e2e

package e2e

import (
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The TypeScript sample app (examples/hello-node), built and bundled by
// build/bundle-example-node.sh: runtime nodejs22.x, run by lambda-local with
// the machine's node.
const (
	helloNodeID     = "hello-node"
	helloNodeBundle = "../dist/examples/hello-node-0.1.0-bundle.zip"
)

var helloNodeOnce sync.Once

// installHelloNode deploys and installs the TypeScript sample app with
// appsctl once per run, and makes sure it is installed and enabled. It is
// uninstalled when the test ends, so that the other tests see only the Go
// sample app installed, whatever the order.
func installHelloNode(t *testing.T) {
	t.Helper()
	s := getStack(t)
	helloNodeOnce.Do(func() {
		if _, err := os.Stat(helloNodeBundle); err != nil {
			t.Fatalf("%s is missing: run the suite with `make e2e`, which builds it (make bundle-example)", helloNodeBundle)
		}
		out, err := appsctl(t, "aws", "deploy", helloNodeBundle, "--install", "--timeout", "10")
		require.NoError(t, err, "%s", out)
		assert.Contains(t, out, helloNodeID)
	})
	s.pluginDo(t, s.adminToken, http.MethodPost, "/api/v1/install-app", map[string]string{"app_id": helloNodeID})
	s.pluginDo(t, s.adminToken, http.MethodPost, "/api/v1/enable-app", map[string]string{"app_id": helloNodeID})
	t.Cleanup(func() {
		s.pluginDo(t, s.adminToken, http.MethodPost, "/api/v1/uninstall-app", map[string]string{"app_id": helloNodeID})
	})
}

// TestNodeAppKVRoundTrip runs the TypeScript app end to end: its slash
// command opens a form, the submitted note is stored by the app through the
// original framework's KV URL (<mattermost_site_url>/plugins/com.mattermost.apps/
// api/v1/kv/<key> with the bot token), read back, and deleted.
func TestNodeAppKVRoundTrip(t *testing.T) {
	installHelloNode(t)
	s := getStack(t)
	user := s.listen(t, s.userToken)
	note := "e2e note " + time.Now().UTC().Format(time.RFC3339Nano)

	// Nothing stored yet: the app's GET of the missing key answers {}.
	assert.Empty(t, s.command(t, s.userToken, "/hello-node recall"))
	user.ephemeral(t, "I remember nothing for you yet")

	// Without --note the app answers its form, opened as a dialog.
	assert.Empty(t, s.command(t, s.userToken, "/hello-node remember"))
	form := user.dialog(t)
	require.Len(t, form.Dialog.Elements, 1, "%+v", form.Dialog)
	assert.Equal(t, "note", form.Dialog.Elements[0].Name)
	resp, err := s.submitDialog(t, s.userToken, form, map[string]any{"note": note})
	require.NoError(t, err)
	assert.Empty(t, resp.Error, "%+v", resp)
	assert.Empty(t, resp.Errors, "%+v", resp)
	user.ephemeral(t, `Remembered: "`+note+`"`)

	// Read back through the same URL.
	assert.Empty(t, s.command(t, s.userToken, "/hello-node recall"))
	user.ephemeral(t, `You asked me to remember: "`+note+`"`)

	// The values are the user's: the admin has none.
	admin := s.listen(t, s.adminToken)
	assert.Empty(t, s.command(t, s.adminToken, "/hello-node recall"))
	admin.ephemeral(t, "I remember nothing for you yet")

	// The flag form of the command, then DELETE.
	assert.Empty(t, s.command(t, s.userToken, `/hello-node remember --note "second note"`))
	user.ephemeral(t, `Remembered: "second note"`)
	assert.Empty(t, s.command(t, s.userToken, "/hello-node forget"))
	user.ephemeral(t, "Forgotten.")
	assert.Empty(t, s.command(t, s.userToken, "/hello-node recall"))
	user.ephemeral(t, "I remember nothing for you yet")
}

// TestNodeAppOnLambdaLocal checks that the Node.js function deployed by
// appsctl answers calls and the invoke key can test it.
func TestNodeAppOnLambdaLocal(t *testing.T) {
	installHelloNode(t)
	s := getStack(t)
	creq := map[string]any{
		"path":    "/remember",
		"values":  map[string]any{},
		"context": map[string]string{"app_id": helloNodeID, "channel_id": s.channelID, "team_id": s.teamID},
	}
	code, _, body := s.pluginDo(t, s.userToken, http.MethodPost, "/api/v1/call", creq)
	require.Equal(t, http.StatusOK, code, "%s", body)
	var resp callResponse
	decodeJSON(t, body, &resp)
	assert.Equal(t, "form", resp.Type, "%s", body)
	assert.Contains(t, string(resp.Form), `"name":"note"`)

	out, err := appsctl(t, "aws", "test", "--app", helloNodeID)
	require.NoError(t, err, "%s", out)
}

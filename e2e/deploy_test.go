//go:build e2e

package e2e

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	helloBundle = "../dist/examples/hello-lambda-0.1.0-bundle.zip"
	appsctlBin  = "../dist/appsctl"
)

// appsctl runs the built CLI with the stack's environment (deploy and
// invoke keys, endpoints, site URL and admin token).
func appsctl(t *testing.T, args ...string) (string, error) {
	t.Helper()
	if _, err := os.Stat(appsctlBin); err != nil {
		t.Fatalf("%s is missing: run the suite with `make e2e`, which builds it", appsctlBin)
	}
	cmd := exec.Command(appsctlBin, args...)
	cmd.Env = os.Environ()
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// deployHello deploys and installs the sample app the way the README's
// quick start does, with appsctl.
func deployHello(t *testing.T) string {
	t.Helper()
	out, err := appsctl(t, "aws", "deploy", helloBundle, "--install", "--timeout", "5")
	require.NoError(t, err, "%s", out)
	return out
}

func TestAppsctlDeployInstallsAndCommandWorks(t *testing.T) {
	out := installHello(t)
	s := getStack(t)
	if out != "" { // this test did the first deploy
		assert.Contains(t, out, "hello-lambda")
		assert.NotContains(t, out, "/apps install listed", "installed, so no install hint")
		for _, k := range []string{"MM_APPS_DEPLOY_AWS_SECRET_KEY", "MM_APPS_AWS_SECRET_KEY", "MM_ADMIN_TOKEN"} {
			assert.NotContains(t, out, os.Getenv(k), "%s leaked", k)
		}
	}
	user := s.listen(t, s.userToken)
	assert.Empty(t, s.command(t, s.userToken, "/hello greet appsctl"))
	user.ephemeral(t, "Hello, appsctl!")

	// A second deploy without --update names what exists and the flag to use.
	again, err := appsctl(t, "aws", "deploy", helloBundle)
	require.Error(t, err)
	assert.Contains(t, again, "--update")

	// The invoke key the server uses can read and invoke what was deployed.
	test, err := appsctl(t, "aws", "test", "--app", helloID)
	require.NoError(t, err, "%s", test)
	assert.True(t, strings.Contains(test, "OK") || strings.Contains(test, "ok"), "%s", test)
}

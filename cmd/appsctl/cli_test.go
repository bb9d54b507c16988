package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	lambdaapps "github.com/lambda-apps/lambda-apps"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata")

// legacyBundle is the bundle from the deprecated Apps framework's ecosystem.
const legacyBundle = "../../appsctl/bundle/testdata/legacy-servicenow-bundle.zip"

// result is the outcome of one appsctl run.
type result struct {
	code        int
	out, errOut string
}

// runCLI runs appsctl in-process with args and only the given environment.
func runCLI(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, streams{
		out:    &out,
		errOut: &errOut,
		getenv: func(k string) string { return env[k] },
	})
	t.Logf("appsctl %s -> %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, out.String(), errOut.String())
	for _, name := range []string{envDeployAccessKey, envDeploySecretKey, envInvokeAccessKey, envInvokeSecretKey, "MM_ADMIN_TOKEN"} {
		if secret := env[name]; len(secret) >= 4 {
			assert.NotContains(t, out.String()+errOut.String(), secret, "%s must never be printed", name)
		}
	}
	return result{code: code, out: out.String(), errOut: errOut.String()}
}

func TestExitCodes(t *testing.T) {
	deployEnv := map[string]string{
		// Nothing answers here: commands that reach AWS fail.
		"AWS_ENDPOINT_URL":              "http://127.0.0.1:1",
		"MM_APPS_DEPLOY_AWS_ACCESS_KEY": "AKIADEPLOYKEYVALUE01",
		"MM_APPS_DEPLOY_AWS_SECRET_KEY": "deploy-secret-value-01",
	}
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		code    int
		wantOut string
		wantErr []string
	}{
		{name: "help", args: []string{"--help"}, code: exitOK, wantOut: "MM_APPS_DEPLOY_AWS_ACCESS_KEY"},
		{name: "no command prints help", args: nil, code: exitOK, wantOut: "Available Commands"},
		{name: "version", args: []string{"version"}, code: exitOK, wantOut: "appsctl " + lambdaapps.Version + "\n"},
		{name: "unknown command", args: []string{"nope"}, code: exitUsage, wantErr: []string{`unknown command "nope"`, "appsctl --help"}},
		{name: "unknown aws command", args: []string{"aws", "nope"}, code: exitUsage, wantErr: []string{`unknown command "nope" for "appsctl aws"`}},
		{name: "unknown flag", args: []string{"aws", "init", "--nope"}, code: exitUsage, wantErr: []string{"unknown flag: --nope", "appsctl aws init --help"}},
		{name: "missing bundle", args: []string{"aws", "deploy"}, code: exitUsage, wantErr: []string{"missing argument <bundle.zip>"}},
		{name: "two bundles", args: []string{"aws", "validate", "a.zip", "b.zip"}, code: exitUsage, wantErr: []string{"expected only <bundle.zip>"}},
		{name: "verbose and quiet", args: []string{"-v", "-q", "version"}, code: exitUsage, wantErr: []string{"cannot be used together"}},
		{name: "bad flag values, all at once", args: []string{"aws", "deploy", legacyBundle, "--timeout", "0", "--memory", "1", "--env", "X"},
			code: exitUsage, wantErr: []string{"--timeout 0", "--memory 1", `--env "X"`}},
		{name: "bad number", args: []string{"aws", "deploy", legacyBundle, "--timeout", "ten"}, code: exitUsage, wantErr: []string{"invalid argument"}},
		{name: "clean --version without --app", args: []string{"aws", "clean", "--version", "1"}, code: exitUsage, wantErr: []string{"--version needs --app"}},
		{name: "clean --all with --app", args: []string{"aws", "clean", "--all", "--app", "x"}, code: exitUsage, wantErr: []string{"cannot be used together"}},
		{name: "test --version without --app", args: []string{"aws", "test", "s3", "--version", "1"}, code: exitUsage, wantErr: []string{"--version needs --app"}},
		{name: "init without deploy key", args: []string{"aws", "init"}, code: exitFailure,
			wantErr: []string{"MM_APPS_DEPLOY_AWS_ACCESS_KEY and MM_APPS_DEPLOY_AWS_SECRET_KEY not set"}},
		{name: "init with half the deploy key", env: map[string]string{"MM_APPS_DEPLOY_AWS_ACCESS_KEY": "AKIAX"}, args: []string{"aws", "init"}, code: exitFailure,
			wantErr: []string{"MM_APPS_DEPLOY_AWS_SECRET_KEY not set"}},
		{name: "test without invoke key", args: []string{"aws", "test", "list"}, code: exitFailure,
			wantErr: []string{"MM_APPS_AWS_ACCESS_KEY and MM_APPS_AWS_SECRET_KEY not set"}},
		{name: "deploy --install without Mattermost", env: deployEnv, args: []string{"aws", "deploy", legacyBundle, "--install"}, code: exitFailure,
			wantErr: []string{"--install needs Mattermost", "MM_SERVICESETTINGS_SITEURL is not set", "MM_ADMIN_TOKEN is not set"}},
		{name: "deploy --install without token", env: merge(deployEnv, map[string]string{"MM_SERVICESETTINGS_SITEURL": "http://127.0.0.1:1"}),
			args: []string{"aws", "deploy", legacyBundle, "--install"}, code: exitFailure, wantErr: []string{"MM_ADMIN_TOKEN is not set"}},
		{name: "validate a missing file", args: []string{"aws", "validate", "nope.zip"}, code: exitFailure, wantErr: []string{"nope.zip"}},
		{name: "AWS unreachable: failure, secrets masked", env: deployEnv, args: []string{"aws", "init"}, code: exitFailure,
			wantErr: []string{"AWS could not be reached"}},
		{name: "logs without --app", args: []string{"aws", "logs"}, code: exitUsage, wantErr: []string{"--app is required"}},
		{name: "logs with a bad --since", args: []string{"aws", "logs", "--app", "x", "--since", "1y"}, code: exitUsage,
			wantErr: []string{`--since "1y": not a duration`}},
		{name: "logs without deploy key", args: []string{"aws", "logs", "--app", "x"}, code: exitFailure,
			wantErr: []string{"MM_APPS_DEPLOY_AWS_ACCESS_KEY and MM_APPS_DEPLOY_AWS_SECRET_KEY not set"}},
		{name: "logs with AWS unreachable", env: deployEnv, args: []string{"aws", "logs", "--app", "x"}, code: exitFailure,
			wantErr: []string{`list the manifests of app "x"`, "S3 endpoint unreachable"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runCLI(t, tt.env, tt.args...)
			assert.Equal(t, tt.code, res.code)
			if tt.wantOut != "" {
				assert.Contains(t, res.out, tt.wantOut)
			}
			for _, s := range tt.wantErr {
				assert.Contains(t, res.errOut, s)
			}
			if tt.code != exitOK {
				assert.Equal(t, 1, strings.Count(res.errOut, "Error:"), "exactly one error message")
			}
			for _, secret := range []string{"AKIADEPLOYKEYVALUE01", "deploy-secret-value-01"} {
				assert.NotContains(t, res.out+res.errOut, secret)
			}
		})
	}
}

func merge(maps ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		check func(t *testing.T, c config)
	}{
		{name: "defaults", env: nil, check: func(t *testing.T, c config) {
			assert.Equal(t, "us-east-1", c.Region)
			assert.Equal(t, "mattermost-apps-bucket", c.Bucket)
			assert.False(t, c.Deploy.IsSet())
			assert.False(t, c.Invoke.IsSet())
			assert.Empty(t, c.Endpoints.Default)
		}},
		{name: "everything set", env: map[string]string{
			"MM_APPS_AWS_REGION": " eu-west-1 ", "MM_APPS_S3_BUCKET": "apps",
			"MM_APPS_DEPLOY_AWS_ACCESS_KEY": "DEPLOYKEY", "MM_APPS_DEPLOY_AWS_SECRET_KEY": "DEPLOYSECRET",
			"MM_APPS_AWS_ACCESS_KEY": "INVOKEKEY", "MM_APPS_AWS_SECRET_KEY": "INVOKESECRET",
			"MM_SERVICESETTINGS_SITEURL": "https://mm.example.com", "MM_ADMIN_TOKEN": "ADMINTOKEN",
			"AWS_ENDPOINT_URL": "http://localhost:5000", "AWS_ENDPOINT_URL_S3": "http://localhost:9000",
		}, check: func(t *testing.T, c config) {
			assert.Equal(t, "eu-west-1", c.Region)
			assert.Equal(t, "apps", c.Bucket)
			assert.Equal(t, "DEPLOYKEY", c.Deploy.AccessKeyID)
			assert.Equal(t, "INVOKESECRET", c.Invoke.SecretAccessKey)
			assert.Equal(t, "http://localhost:9000", c.Endpoints.S3Endpoint())
			assert.Equal(t, "http://localhost:5000", c.Endpoints.LambdaEndpoint())
			assert.Equal(t, "x ******** ******** ******** ******** ********",
				c.redact("x DEPLOYKEY DEPLOYSECRET INVOKEKEY INVOKESECRET ADMINTOKEN"))
			mm, err := c.mattermost()
			require.NoError(t, err)
			assert.Equal(t, "https://mm.example.com", mm.SiteURL())
			_, err = c.clients(deployKey)
			require.NoError(t, err)
			_, err = c.clients(invokeKey)
			require.NoError(t, err)
		}},
		{name: "Mattermost half set", env: map[string]string{"MM_ADMIN_TOKEN": "t"}, check: func(t *testing.T, c config) {
			_, err := c.mattermost()
			require.ErrorContains(t, err, "MM_SERVICESETTINGS_SITEURL is not set")
		}},
		{name: "Mattermost not set", env: nil, check: func(t *testing.T, c config) {
			mm, err := c.mattermost()
			require.NoError(t, err)
			assert.Nil(t, mm)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, loadConfig(func(k string) string { return tt.env[k] }))
		})
	}
}

func TestGenerateTerraformData(t *testing.T) {
	golden := filepath.Join("testdata", "legacy-servicenow.provision.json")
	for _, args := range [][]string{
		{"generate-terraform-data", legacyBundle},
		{"terraform", "generate-data", legacyBundle},
		{"-q", "generate-terraform-data", legacyBundle},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			res := runCLI(t, nil, args...)
			require.Equal(t, exitOK, res.code)
			assert.Empty(t, res.errOut)
			if *updateGolden {
				require.NoError(t, os.WriteFile(golden, []byte(res.out), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err)
			assert.Equal(t, string(want), res.out, "stdout holds exactly the JSON")
		})
	}
}

func TestValidate(t *testing.T) {
	t.Run("legacy bundle", func(t *testing.T) {
		res := runCLI(t, nil, "aws", "validate", legacyBundle)
		require.Equal(t, exitOK, res.code)
		for _, s := range []string{
			"App:       com.mattermost.servicenow 0.1.0 (ServiceNow)",
			"Manifest:  manifests/com.mattermost.servicenow_0.1.0.json",
			"Functions: 4",
			"-> Lambda com-mattermost-servicenow_0-1-0_function-with-spaces",
			"-> Lambda com-mattermost-servicenow_0-1-0_95f51579baba92ea2a0a3ad98c24fcbc",
			"Static assets: 5",
			"photo.png (0 B, image/png) -> static/com.mattermost.servicenow_0.1.0_app/photo.png",
			"Bundle is valid.",
		} {
			assert.Contains(t, res.out, s)
		}
		assert.Contains(t, res.errOut, "runtime go1.x, which AWS Lambda has deprecated")
	})
	t.Run("broken bundle: every problem", func(t *testing.T) {
		path := writeBundle(t, map[string][]byte{
			"manifest.json": []byte(`{"app_id":"x","display_name":"X","homepage_url":"https://x.example.com",
				"aws_lambda":{"functions":[{"path":"/","name":"f1","handler":"h","runtime":"provided.al2023"},
				{"path":"/b","name":"f2","handler":"h","runtime":"provided.al2023"}]}}`),
			"f1.zip": []byte("not checked"),
		})
		res := runCLI(t, nil, "aws", "validate", path)
		assert.Equal(t, exitFailure, res.code)
		assert.Contains(t, res.errOut, "app_id")
		assert.Contains(t, res.errOut, "f2")
		assert.NotContains(t, res.out, "Bundle is valid.")
	})
}

package main

import (
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/appsctl/invokepolicy"
	"github.com/lambda-apps/lambda-apps/appsctl/runtimes"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
	"github.com/lambda-apps/lambda-apps/internal/testaws"
)

const (
	testBucket  = "lambda-apps-test-bucket"
	testAppID   = "com.mattermost.servicenow"
	policyARN   = "arn:aws:iam::" + testaws.AccountID + ":policy/" + awsnames.DefaultPolicyName
	invokeKeyID = "AKIATESTINVOKEKEY0001"
	invokeKeySK = "test-invoke-secret-0001"
)

// legacyFunctions are the Lambda functions of the legacy bundle, by
// manifest name.
var legacyFunctions = []struct{ name, lambdaName, handler, runtime string }{
	{"function1", "com-mattermost-servicenow_0-1-0_function1", "mattermost-app-servicenow", "go1.x"},
	{"function2", "com-mattermost-servicenow_0-1-0_function2", "index.handler", migratedNode("nodejs14.x")},
	{"function with spaces", "com-mattermost-servicenow_0-1-0_function-with-spaces", "mattermost-app-servicenow", "go1.x"},
	{"function-with-very-very-very-very-very-very-very-long-name", "com-mattermost-servicenow_0-1-0_95f51579baba92ea2a0a3ad98c24fcbc", "mattermost-app-servicenow", "go1.x"},
}

var legacyAssets = map[string]string{
	"static/com.mattermost.servicenow_0.1.0_app/photo.png":                                                              "image/png",
	"static/com.mattermost.servicenow_0.1.0_app/some.json":                                                              "application/json",
	"static/com.mattermost.servicenow_0.1.0_app/static-file-with-spaces.txt":                                            "text/plain; charset=utf-8",
	"static/com.mattermost.servicenow_0.1.0_app/static-file-with-very-very-very-very-very-very-very-very-long-name.txt": "text/plain; charset=utf-8",
	"static/com.mattermost.servicenow_0.1.0_app/text.txt":                                                               "text/plain; charset=utf-8",
}

func functionARN(region, name string) string {
	return "arn:aws:lambda:" + region + ":" + testaws.AccountID + ":function:" + name
}

func legacyARNs(region string) []string {
	var arns []string
	for _, f := range legacyFunctions {
		arns = append(arns, functionARN(region, f.lambdaName))
	}
	sort.Strings(arns)
	return arns
}

// TestAWSLifecycle runs init, deploy, test and clean against moto, checking
// the account through the AWS APIs after each step.
func TestAWSLifecycle(t *testing.T) {
	m := testaws.StartMoto(t)
	const region = "us-east-1"
	env := awsEnv(m, region)
	c := newChecker(t, m, region)

	t.Run("init without --create lists what is missing and changes nothing", func(t *testing.T) {
		res := runCLI(t, env, "aws", "init")
		require.Equal(t, exitFailure, res.code)
		for _, s := range []string{
			`S3 bucket "` + testBucket + `": create it with --create`,
			`IAM user "mattermost-apps-invoke": create it with --create`,
			`IAM group "mattermost-apps-invoke-group"`,
			`IAM policy "mattermost-apps-invoke-policy"`,
			`IAM role "mattermost-apps-execute-lambda-role"`,
			"nothing was changed",
		} {
			assert.Contains(t, res.errOut, s)
		}
		assert.False(t, c.bucketExists())
		assert.False(t, c.userExists())
		assert.False(t, c.policyExists())
	})

	var initial iamState
	t.Run("init --create --create-access-key creates everything", func(t *testing.T) {
		res := runCLI(t, env, "aws", "init", "--create", "--create-access-key")
		require.Equal(t, exitOK, res.code)
		assert.True(t, c.bucketExists())
		assert.True(t, c.userExists())
		assert.True(t, c.groupExists())
		assert.True(t, c.roleExists())
		initial = c.iamState()
		assert.Equal(t, 1, initial.AccessKeys)
		assert.Equal(t, []string{awsnames.DefaultGroupName}, initial.UserGroups)
		assert.Equal(t, []string{policyARN}, initial.GroupPolicies)
		assert.Equal(t, []string{awsnames.LambdaBasicExecutionPolicyARN}, initial.RolePolicies)
		trust, err := invokepolicy.Parse(initial.RoleTrust)
		require.NoError(t, err)
		assert.Contains(t, string(trust.Statements[0]), "lambda.amazonaws.com")
		assert.Contains(t, string(trust.Statements[0]), "sts:AssumeRole")
		assert.True(t, invokepolicy.Equal(invokepolicy.New("aws", testBucket), c.policy().Document))

		assert.Regexp(t, `(?m)^  export MM_APPS_AWS_ACCESS_KEY=\S+$`, res.out)
		assert.Regexp(t, `(?m)^  export MM_APPS_AWS_SECRET_KEY=\S+$`, res.out)
		assert.Equal(t, 1, strings.Count(res.out, "MM_APPS_AWS_SECRET_KEY="), "the secret is printed once")
		assert.Contains(t, res.out, "created S3 bucket "+testBucket+" in us-east-1")
	})

	t.Run("init again changes nothing", func(t *testing.T) {
		res := runCLI(t, env, "aws", "init", "--create")
		require.Equal(t, exitOK, res.code)
		assert.Contains(t, res.out, "Nothing changed")
		assert.NotContains(t, res.out, "created")
		assert.NotContains(t, res.out, "export MM_APPS_AWS_SECRET_KEY")
		assert.Equal(t, initial, c.iamState())
	})

	t.Run("deploy the legacy bundle", func(t *testing.T) {
		res := runCLI(t, env, "aws", "deploy", legacyBundle, "--timeout", "45", "--memory", "256", "--architecture", "arm64", "--env", "STAGE=test,URLS=a,b")
		require.Equal(t, exitOK, res.code)
		roleARN := "arn:aws:iam::" + testaws.AccountID + ":role/" + awsnames.DefaultExecuteRoleName
		for _, f := range legacyFunctions {
			got := c.function(f.lambdaName)
			require.NotNil(t, got, f.lambdaName)
			cfg := got.Configuration
			assert.Equal(t, f.handler, aws.ToString(cfg.Handler), f.name)
			assert.Equal(t, f.runtime, string(cfg.Runtime), f.name)
			assert.Equal(t, roleARN, aws.ToString(cfg.Role), f.name)
			assert.Equal(t, int32(45), aws.ToInt32(cfg.Timeout), f.name)
			assert.Equal(t, int32(256), aws.ToInt32(cfg.MemorySize), f.name)
			assert.Equal(t, "arm64", string(cfg.Architectures[0]), f.name)
			assert.Equal(t, map[string]string{"STAGE": "test", "URLS": "a,b"}, cfg.Environment.Variables, f.name)
		}
		assert.ElementsMatch(t, keysOf(legacyAssets), c.keys("static/"))
		for key, ct := range legacyAssets {
			got, _ := c.object(key)
			assert.Equal(t, ct, got, key)
		}
		ct, manifest := c.object("manifests/com.mattermost.servicenow_0.1.0.json")
		assert.Equal(t, "application/json", ct)
		assert.Equal(t, readBundle(t, legacyBundle)["manifest.json"], manifest, "the manifest is uploaded byte for byte")
		assert.Equal(t, legacyARNs(region), c.policy().Document.LambdaARNs())
		assert.Contains(t, res.out, "Mattermost was not notified")
		assert.Contains(t, res.out, "/apps install listed "+testAppID)
	})

	t.Run("deploy again without --update names the existing functions", func(t *testing.T) {
		before := c.iamState()
		res := runCLI(t, env, "aws", "deploy", legacyBundle)
		require.Equal(t, exitFailure, res.code)
		for _, f := range legacyFunctions {
			assert.Contains(t, res.errOut, f.lambdaName)
		}
		assert.Contains(t, res.errOut, "--update")
		assert.Contains(t, res.errOut, "nothing was changed")
		assert.Equal(t, before, c.iamState())
	})

	t.Run("deploy --update replaces handler and code", func(t *testing.T) {
		old := map[string]string{}
		for _, f := range legacyFunctions {
			old[f.lambdaName] = aws.ToString(c.function(f.lambdaName).Configuration.CodeSha256)
		}
		path, manifest := modifiedBundle(t)
		res := runCLI(t, env, "aws", "deploy", path, "--update")
		require.Equal(t, exitOK, res.code)
		for _, f := range legacyFunctions {
			cfg := c.function(f.lambdaName).Configuration
			if f.name == "function1" {
				assert.Equal(t, "new-handler", aws.ToString(cfg.Handler))
				assert.NotEqual(t, old[f.lambdaName], aws.ToString(cfg.CodeSha256), "new code")
			} else {
				assert.Equal(t, f.handler, aws.ToString(cfg.Handler))
				assert.Equal(t, old[f.lambdaName], aws.ToString(cfg.CodeSha256), "same code")
			}
			assert.Equal(t, int32(30), aws.ToInt32(cfg.Timeout), "defaults applied again")
			assert.Equal(t, map[string]string{"STAGE": "test", "URLS": "a,b"}, cfg.Environment.Variables, "no --env: environment kept")
		}
		_, got := c.object("manifests/com.mattermost.servicenow_0.1.0.json")
		assert.Equal(t, manifest, got)
		assert.Equal(t, legacyARNs(region), c.policy().Document.LambdaARNs())
	})

	t.Run("deploy --install notifies Mattermost", func(t *testing.T) {
		fake := &fakeMattermost{}
		srv := httptest.NewServer(fake)
		defer srv.Close()
		mmEnv := merge(env, map[string]string{"MM_SERVICESETTINGS_SITEURL": srv.URL + "/", "MM_ADMIN_TOKEN": "admin-token-value"})
		res := runCLI(t, mmEnv, "aws", "deploy", legacyBundle, "--update", "--install")
		require.Equal(t, exitOK, res.code)
		assert.Equal(t, []string{
			"POST /plugins/lambda-apps/api/v1/refresh Bearer admin-token-value {}",
			`POST /plugins/lambda-apps/api/v1/install-app Bearer admin-token-value {"app_id":"com.mattermost.servicenow","version":"0.1.0"}`,
		}, fake.take())
		assert.Contains(t, res.out, "Installed com.mattermost.servicenow 0.1.0")

		res = runCLI(t, mmEnv, "aws", "deploy", legacyBundle, "--update")
		require.Equal(t, exitOK, res.code)
		assert.Equal(t, []string{"POST /plugins/lambda-apps/api/v1/refresh Bearer admin-token-value {}"}, fake.take(), "without --install only refresh")
		assert.Contains(t, res.out, "/apps install listed com.mattermost.servicenow")

		fake.fail("/plugins/lambda-apps/api/v1/install-app", http.StatusInternalServerError)
		res = runCLI(t, mmEnv, "aws", "deploy", legacyBundle, "--update", "--install")
		require.Equal(t, exitFailure, res.code)
		assert.Contains(t, res.errOut, "ping failed", "the plugin's JSON error is shown")
		assert.Contains(t, res.errOut, "/apps install listed com.mattermost.servicenow")
		assert.NotContains(t, res.out+res.errOut, "admin-token-value")
	})

	t.Run("test list and s3 with the invoke key", func(t *testing.T) {
		res := runCLI(t, env, "aws", "test", "list")
		require.Equal(t, exitOK, res.code)
		assert.Regexp(t, `com\.mattermost\.servicenow\s+0\.1\.0\s+manifests/com\.mattermost\.servicenow_0\.1\.0\.json`, res.out)

		res = runCLI(t, env, "aws", "test", "s3", "--app", testAppID)
		require.Equal(t, exitOK, res.code)
		for key := range legacyAssets {
			assert.Contains(t, res.out, "OK "+key)
		}
	})

	t.Run("test lambda reports the failed ping", func(t *testing.T) {
		// moto without Docker echoes the request instead of running the
		// function, so the ping cannot succeed: the failure must be
		// reported with the function's name and a non-zero status.
		res := runCLI(t, env, "aws", "test", "lambda")
		require.Equal(t, exitFailure, res.code)
		assert.Contains(t, res.out, "FAIL com.mattermost.servicenow 0.1.0")
		assert.Contains(t, res.out, "com-mattermost-servicenow_0-1-0_function1")
		assert.Contains(t, res.errOut, "1 of 1 check(s) failed")

		res = runCLI(t, env, "aws", "test")
		require.Equal(t, exitFailure, res.code, "all checks: lambda fails")
		for _, s := range []string{"== list", "== s3", "== lambda", "OK static/", "FAIL com.mattermost.servicenow"} {
			assert.Contains(t, res.out, s)
		}
	})

	t.Run("plain clean refuses while apps are deployed", func(t *testing.T) {
		res := runCLI(t, env, "aws", "clean")
		require.Equal(t, exitFailure, res.code)
		assert.Contains(t, res.errOut, "still allows 4 deployed function(s)")
		assert.True(t, c.userExists())
	})

	t.Run("clean --app removes the app and keeps the policy", func(t *testing.T) {
		res := runCLI(t, env, "aws", "clean", "--app", testAppID)
		require.Equal(t, exitOK, res.code)
		for _, f := range legacyFunctions {
			assert.Nil(t, c.function(f.lambdaName), f.lambdaName)
			assert.Contains(t, res.out, "removed Lambda function "+f.lambdaName)
		}
		assert.Empty(t, c.keys("static/"))
		assert.Empty(t, c.keys("manifests/"))
		assert.Empty(t, c.policy().Document.LambdaARNs())
		assert.True(t, invokepolicy.Equal(invokepolicy.New("aws", testBucket), c.policy().Document), "only the S3 statements are left")
		assert.True(t, c.userExists())
		assert.True(t, c.roleExists())
	})

	t.Run("clean removes what init created", func(t *testing.T) {
		res := runCLI(t, env, "aws", "clean")
		require.Equal(t, exitOK, res.code)
		assert.False(t, c.userExists())
		assert.False(t, c.groupExists())
		assert.False(t, c.policyExists())
		assert.False(t, c.roleExists())
		assert.True(t, c.bucketExists(), "the bucket is kept")
		assert.Contains(t, res.out, "removed access key")
	})

	t.Run("clean again has nothing to do", func(t *testing.T) {
		res := runCLI(t, env, "aws", "clean")
		require.Equal(t, exitOK, res.code)
		assert.Contains(t, res.out, "Nothing to remove.")
	})
}

// migratedNode is the runtime deploy puts a Node.js function of runtime id
// on today: the oldest one AWS accepts (appsctl/runtimes), or id itself.
func migratedNode(id string) string {
	now := time.Now()
	if cur, known := runtimes.Lookup(id); known && !cur.Accepted(now) {
		if r, ok := runtimes.OldestAccepted(runtimes.NodeJS, id, now); ok {
			return r.ID
		}
	}
	return id
}

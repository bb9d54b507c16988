package main

import (
	"crypto/rand"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/appsctl/bundle"
	"github.com/lambda-apps/lambda-apps/internal/testaws"
)

func keysOf(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestInitBucket checks where init creates the bucket and that an existing
// bucket is used as is.
func TestInitBucket(t *testing.T) {
	m := testaws.StartMoto(t)
	tests := []struct {
		name       string
		region     string
		preCreate  bool
		wantCreate bool
	}{
		{name: "created in us-east-1", region: "us-east-1", wantCreate: true},
		{name: "created in eu-west-1", region: "eu-west-1", wantCreate: true},
		{name: "pre-created bucket is used", region: "eu-west-1", preCreate: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m.Reset(t)
			c := newChecker(t, m, tt.region)
			if tt.preCreate {
				_, err := c.s3.CreateBucket(c.ctx, &s3.CreateBucketInput{Bucket: aws.String(testBucket),
					CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(tt.region)}})
				require.NoError(t, err)
			}
			res := runCLI(t, awsEnv(m, tt.region), "aws", "init", "--create")
			require.Equal(t, exitOK, res.code)
			assert.Equal(t, tt.wantCreate, strings.Contains(res.out, "created S3 bucket"))
			loc, err := c.s3.GetBucketLocation(c.ctx, &s3.GetBucketLocationInput{Bucket: aws.String(testBucket)})
			require.NoError(t, err)
			want := tt.region
			if want == "us-east-1" {
				want = "" // S3 reports us-east-1 as no constraint.
			}
			assert.Equal(t, want, string(loc.LocationConstraint))
		})
	}
}

// TestCleanAll deploys an app and removes everything in one go.
func TestCleanAll(t *testing.T) {
	m := testaws.StartMoto(t)
	const region = "eu-central-1"
	env := awsEnv(m, region)
	c := newChecker(t, m, region)
	require.Equal(t, exitOK, runCLI(t, env, "aws", "init", "--create").code)
	require.Equal(t, exitOK, runCLI(t, env, "aws", "deploy", legacyBundle).code)
	assert.Equal(t, legacyARNs(region), c.policy().Document.LambdaARNs(), "ARNs carry the region")

	res := runCLI(t, env, "aws", "clean", "--all")
	require.Equal(t, exitOK, res.code)
	for _, f := range legacyFunctions {
		assert.Nil(t, c.function(f.lambdaName))
	}
	assert.Empty(t, c.keys(""))
	assert.False(t, c.userExists())
	assert.False(t, c.policyExists())
	assert.False(t, c.roleExists())
}

// TestDeployWithoutInit checks that deploy says to run init.
func TestDeployWithoutInit(t *testing.T) {
	m := testaws.StartMoto(t)
	res := runCLI(t, awsEnv(m, "us-east-1"), "aws", "deploy", legacyBundle)
	require.Equal(t, exitFailure, res.code)
	assert.Contains(t, res.errOut, "cannot deploy, 3 problems")
	assert.Contains(t, res.errOut, `bucket "`+testBucket+`" does not exist`)
	assert.Contains(t, res.errOut, "appsctl aws init --create")
}

// TestDeployLargeFunctionThroughS3 deploys a function package over the
// 50 MB direct-upload limit: it goes to the bucket and Lambda takes it from
// there.
func TestDeployLargeFunctionThroughS3(t *testing.T) {
	m := testaws.StartMoto(t)
	const region = "us-east-1"
	env := awsEnv(m, region)
	c := newChecker(t, m, region)
	require.Equal(t, exitOK, runCLI(t, env, "aws", "init", "--create").code)

	big := make([]byte, bundle.MaxDirectUploadSize+1024)
	_, err := rand.Read(big) // incompressible, so the bundle's ratio check passes
	require.NoError(t, err)
	path := writeBundle(t, map[string][]byte{
		"manifest.json": []byte(`{"app_id":"big.app","version":"1.0","display_name":"Big","homepage_url":"https://example.com",
			"aws_lambda":{"functions":[{"path":"/","name":"big","handler":"bootstrap","runtime":"provided.al2023"}]}}`),
		"big.zip": big,
	})
	res := runCLI(t, env, "aws", "deploy", path)
	require.Equal(t, exitOK, res.code)
	assert.Contains(t, res.errOut, "uploaded through the S3 bucket")

	const key = "functions/big.app_1.0/big-app_1-0_big.zip"
	ct, data := c.object(key)
	assert.Equal(t, "application/zip", ct)
	assert.Equal(t, len(big), len(data))
	fn := c.function("big-app_1-0_big")
	require.NotNil(t, fn)
	assert.Equal(t, int64(len(big)), fn.Configuration.CodeSize)

	res = runCLI(t, env, "aws", "clean", "--app", "big.app")
	require.Equal(t, exitOK, res.code)
	assert.Empty(t, c.keys("functions/"), "clean --app removes the uploaded package")
}

// TestCleanLeftoversOfFailedDeploy removes an app version whose manifest
// never made it to the bucket.
func TestCleanLeftoversOfFailedDeploy(t *testing.T) {
	m := testaws.StartMoto(t)
	const region = "us-east-1"
	env := awsEnv(m, region)
	c := newChecker(t, m, region)
	require.Equal(t, exitOK, runCLI(t, env, "aws", "init", "--create").code)
	require.Equal(t, exitOK, runCLI(t, env, "aws", "deploy", legacyBundle).code)
	// A deploy that stopped before its last step leaves no manifest.
	_, err := c.s3.DeleteObject(c.ctx, &s3.DeleteObjectInput{Bucket: aws.String(testBucket), Key: aws.String("manifests/com.mattermost.servicenow_0.1.0.json")})
	require.NoError(t, err)

	res := runCLI(t, env, "aws", "clean", "--app", testAppID)
	require.Equal(t, exitFailure, res.code)
	assert.Contains(t, res.errOut, "has no manifest of app")
	assert.Contains(t, res.errOut, "--version")

	res = runCLI(t, env, "aws", "clean", "--app", testAppID, "--version", "0.1.0")
	require.Equal(t, exitOK, res.code)
	for _, f := range legacyFunctions {
		assert.Nil(t, c.function(f.lambdaName), f.lambdaName)
	}
	assert.Empty(t, c.policy().Document.LambdaARNs())
	assert.Empty(t, c.keys("static/"))
}

// TestInitAccessKeyLimit creates access keys up to IAM's limit of two.
func TestInitAccessKeyLimit(t *testing.T) {
	m := testaws.StartMoto(t)
	env := awsEnv(m, "us-east-1")
	for i := range 2 {
		res := runCLI(t, env, "aws", "init", "--create", "--create-access-key")
		require.Equal(t, exitOK, res.code, "key %d", i+1)
		assert.Contains(t, res.out, "export MM_APPS_AWS_SECRET_KEY=")
	}
	res := runCLI(t, env, "aws", "init", "--create-access-key")
	require.Equal(t, exitFailure, res.code)
	assert.Contains(t, res.errOut, "already has 2 access keys")
	assert.Contains(t, res.errOut, "aws iam delete-access-key --user-name mattermost-apps-invoke")
	assert.NotContains(t, res.out, "export MM_APPS_AWS_SECRET_KEY=")
}

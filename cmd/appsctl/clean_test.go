package main

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/aws/awsnames"
	"github.com/lambda-apps/lambda-apps/internal/testaws"
)

// createFunction creates a Lambda function the way something other than a
// complete deploy left it: description is whatever that was.
func (c *checker) createFunction(name, description string) {
	c.t.Helper()
	in := &lambda.CreateFunctionInput{
		FunctionName: aws.String(name),
		Runtime:      lambdatypes.RuntimeProvidedal2023,
		Handler:      aws.String("bootstrap"),
		Role:         aws.String("arn:aws:iam::" + testaws.AccountID + ":role/" + awsnames.DefaultExecuteRoleName),
		Code:         &lambdatypes.FunctionCode{ZipFile: innerZip(c.t, "bootstrap", name)},
	}
	if description != "" {
		in.Description = aws.String(description)
	}
	_, err := c.lambda.CreateFunction(c.ctx, in)
	require.NoError(c.t, err)
}

// TestCleanVersionWithoutManifestKeepsOtherApps removes what a failed
// deploy of app "abc" version "1" left (no manifest, so its functions are
// found by the name prefix "abc_1_"), next to the functions of other app
// versions whose names start the same: clean removes only abc@1's and says
// which it kept and why.
func TestCleanVersionWithoutManifestKeepsOtherApps(t *testing.T) {
	m := testaws.StartMoto(t)
	const region = "us-east-1"
	env := awsEnv(m, region)
	c := newChecker(t, m, region)
	require.Equal(t, exitOK, runCLI(t, env, "aws", "init", "--create").code)

	// App abc_1 version 2 is deployed: manifest, static asset, functions.
	require.Equal(t, exitOK, runCLI(t, env, "aws", "deploy", appBundle(t, "abc_1", "2", "A", "fn", "fn2")).code)
	// abc_1_2_fn2 was overwritten by a deploy of app abc version 1 with a
	// function "2_fn2" (before deploy refused that): its description names
	// abc@1, but abc_1@2's manifest still names the function.
	_, err := c.lambda.UpdateFunctionConfiguration(c.ctx, &lambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("abc_1_2_fn2"), Description: aws.String("Mattermost app abc 1, function 2_fn2"),
	})
	require.NoError(t, err)
	// App abc version 1 was deployed, then lost its manifest: a failed
	// deploy.
	require.Equal(t, exitOK, runCLI(t, env, "aws", "deploy", appBundle(t, "abc", "1", "B", "main")).code)
	_, err = c.s3.DeleteObject(c.ctx, &s3.DeleteObjectInput{Bucket: aws.String(testBucket), Key: aws.String("manifests/abc_1.json")})
	require.NoError(t, err)
	// A failed deploy of app abc_1 version 3, and a function made by hand.
	c.createFunction("abc_1_3_g", "Mattermost app abc_1 3, function g")
	c.createFunction("abc_1_handmade", "")

	res := runCLI(t, env, "aws", "clean", "--app", "abc", "--version", "1")
	require.Equal(t, exitOK, res.code, res.errOut)

	assert.Nil(t, c.function("abc_1_main"), "abc@1's own function is removed")
	assert.Empty(t, c.keys("static/abc_1_app/"), "abc@1's static assets are removed")
	for _, name := range []string{"abc_1_2_fn", "abc_1_2_fn2", "abc_1_3_g", "abc_1_handmade"} {
		assert.NotNil(t, c.function(name), "%s is kept", name)
	}
	assert.Equal(t, []string{functionARN(region, "abc_1_2_fn"), functionARN(region, "abc_1_2_fn2")}, c.policy().Document.LambdaARNs(),
		"abc_1@2's functions stay in the invoke policy")
	assert.Equal(t, []string{"manifests/abc_1_2.json"}, c.keys("manifests/"))
	assert.Equal(t, []string{"static/abc_1_2_app/logo.txt"}, c.keys("static/"))

	assert.Contains(t, res.out, "removed Lambda function abc_1_main")
	assert.Contains(t, res.out, "Kept 4 item(s) that belong to other app versions")
	for _, want := range []string{
		`kept Lambda function abc_1_2_fn: its name is also that of function "fn" of app "abc_1" version "2", whose manifest is s3://` +
			testBucket + "/manifests/abc_1_2.json",
		`kept Lambda function abc_1_2_fn2: its name is also that of function "fn2" of app "abc_1" version "2"`,
		`kept Lambda function abc_1_3_g: its description says it is function "g" of app "abc_1" version "3"`,
		`kept Lambda function abc_1_handmade: no manifest names it and its description does not say which app version it belongs to`,
		"`aws lambda delete-function --function-name abc_1_handmade`",
	} {
		assert.Contains(t, res.errOut, want)
	}

	t.Run("a version whose S3 prefixes are another app version's keeps its objects", func(t *testing.T) {
		// App abc version 1_2 has the manifest key and static prefix of
		// abc_1@2, and its function names start with "abc_1_2_".
		before := c.state()
		res := runCLI(t, env, "aws", "clean", "--app", "abc", "--version", "1_2")
		require.Equal(t, exitOK, res.code, res.errOut)
		assert.Equal(t, before, c.state(), "nothing of abc_1@2 is removed")
		assert.Contains(t, res.out, "Nothing to remove.")
		assert.Contains(t, res.errOut, `kept 1 object(s) under s3://`+testBucket+`/static/abc_1_2_app/: the prefix is also that of app "abc_1" version "2"`)
		assert.Contains(t, res.errOut, "kept Lambda function abc_1_2_fn:")
	})

	t.Run("an app whose manifest names another app's function keeps it", func(t *testing.T) {
		// com.acme@1.0 and com-acme@1.0 share their Lambda names; a
		// manifest of com.acme uploaded before deploy refused that.
		require.Equal(t, exitOK, runCLI(t, env, "aws", "deploy", appBundle(t, "com-acme", "1.0", "acme", "main")).code)
		_, err := c.s3.PutObject(c.ctx, &s3.PutObjectInput{Bucket: aws.String(testBucket), Key: aws.String("manifests/com.acme_1.0.json"),
			Body: strings.NewReader(`{"app_id":"com.acme","version":"1.0","display_name":"Dot","homepage_url":"https://example.com",
				"aws_lambda":{"functions":[{"path":"/","name":"main","handler":"bootstrap","runtime":"provided.al2023"}]}}`)})
		require.NoError(t, err)

		res := runCLI(t, env, "aws", "clean", "--app", "com.acme")
		require.Equal(t, exitOK, res.code, res.errOut)
		assert.NotContains(t, c.keys("manifests/"), "manifests/com.acme_1.0.json", "com.acme's manifest is removed")
		assert.NotNil(t, c.function("com-acme_1-0_main"))
		assert.Contains(t, c.policy().Document.LambdaARNs(), functionARN(region, "com-acme_1-0_main"))
		assert.Contains(t, res.errOut, `kept Lambda function com-acme_1-0_main: its name is also that of function "main" of app "com-acme" version "1.0"`)
	})
}

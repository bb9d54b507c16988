package main

import (
	"encoding/json"
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

// appBundle writes a bundle of app at version with one provided.al2023
// function per name and a static asset; tag marks the content, so that
// two bundles never upload the same bytes.
func appBundle(t *testing.T, appID, version, tag string, functions ...string) string {
	t.Helper()
	fns := make([]map[string]string, len(functions))
	entries := map[string][]byte{"static/logo.txt": []byte("logo of " + tag)}
	for i, name := range functions {
		fns[i] = map[string]string{"path": "/", "name": name, "handler": "bootstrap", "runtime": "provided.al2023"}
		entries[name+".zip"] = innerZip(t, "bootstrap", "code of "+tag+" "+name)
	}
	manifest, err := json.Marshal(map[string]any{
		"app_id": appID, "version": version, "display_name": "App " + tag, "homepage_url": "https://example.com/" + tag,
		"aws_lambda": map[string]any{"functions": fns},
	})
	require.NoError(t, err)
	entries["manifest.json"] = manifest
	return writeBundle(t, entries)
}

// awsState is everything a deploy can change, for comparing before and
// after a refused one.
type awsState struct {
	Objects   map[string]string // S3 key -> ETag
	Functions map[string]string // Lambda name -> code SHA-256, handler, description
	Policy    []string          // function ARNs the invoke policy allows
}

func (c *checker) state() awsState {
	c.t.Helper()
	st := awsState{Objects: map[string]string{}, Functions: map[string]string{}}
	objects := s3.NewListObjectsV2Paginator(c.s3, &s3.ListObjectsV2Input{Bucket: aws.String(testBucket)})
	for objects.HasMorePages() {
		page, err := objects.NextPage(c.ctx)
		require.NoError(c.t, err)
		for _, o := range page.Contents {
			st.Objects[aws.ToString(o.Key)] = aws.ToString(o.ETag)
		}
	}
	functions := lambda.NewListFunctionsPaginator(c.lambda, &lambda.ListFunctionsInput{})
	for functions.HasMorePages() {
		page, err := functions.NextPage(c.ctx)
		require.NoError(c.t, err)
		for _, f := range page.Functions {
			st.Functions[aws.ToString(f.FunctionName)] = aws.ToString(f.CodeSha256) + " " + aws.ToString(f.Handler) + " " + aws.ToString(f.Description)
		}
	}
	st.Policy = c.policy().Document.LambdaARNs()
	return st
}

// TestDeployRefusesNameCollisions deploys apps to moto, then checks that
// deploy (with and without --update) and validate refuse app versions
// whose names in AWS are already used by another app version, and that a
// refused deploy writes nothing.
func TestDeployRefusesNameCollisions(t *testing.T) {
	m := testaws.StartMoto(t)
	const region = "us-east-1"
	env := awsEnv(m, region)
	c := newChecker(t, m, region)

	require.Equal(t, exitOK, runCLI(t, env, "aws", "init", "--create").code)
	deployedA := appBundle(t, "abc_1", "2", "A", "fn")
	require.Equal(t, exitOK, runCLI(t, env, "aws", "deploy", deployedA).code)
	require.Equal(t, exitOK, runCLI(t, env, "aws", "deploy", appBundle(t, "com-acme", "1.0", "acme", "main")).code)
	require.Contains(t, c.keys("manifests/"), "manifests/abc_1_2.json")
	require.NotNil(t, c.function("abc_1_2_fn"))

	// A function left by a deploy of app x.y that stopped before its
	// manifest: only its description says whose it is.
	_, err := c.lambda.CreateFunction(c.ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("x-y_1_f"),
		Description:  aws.String("Mattermost app x.y 1, function f"),
		Runtime:      lambdatypes.RuntimeProvidedal2023,
		Handler:      aws.String("bootstrap"),
		Role:         aws.String("arn:aws:iam::" + testaws.AccountID + ":role/" + awsnames.DefaultExecuteRoleName),
		Code:         &lambdatypes.FunctionCode{ZipFile: innerZip(t, "bootstrap", "x.y")},
	})
	require.NoError(t, err)

	tests := []struct {
		name   string
		bundle string
		want   []string
	}{
		{
			name:   "'_' moved from the app ID to the version: same manifest key, static prefix and Lambda name",
			bundle: appBundle(t, "abc", "1_2", "B", "fn"),
			want: []string{
				`app "abc" version "1_2" would overwrite another app version in bucket "` + testBucket + `"; these names in AWS are already in use:`,
				`manifest key "manifests/abc_1_2.json": app "abc" version "1_2" and app "abc_1" version "2"`,
				`static asset prefix "static/abc_1_2_app/": app "abc" version "1_2" and app "abc_1" version "2"`,
				`Lambda function name "abc_1_2_fn": function "fn" of app "abc" version "1_2" and function "fn" of app "abc_1" version "2"`,
				"Nothing was changed",
				"choose another app ID (or version)",
				"appsctl aws clean --app abc_1 --version 2",
			},
		},
		{
			name:   "'.' instead of '-' in the app ID: same Lambda name",
			bundle: appBundle(t, "com.acme", "1.0", "C", "main"),
			want: []string{
				`app "com.acme" version "1.0" would overwrite another app version in bucket "` + testBucket + `"`,
				`Lambda function name "com-acme_1-0_main": function "main" of app "com.acme" version "1.0" and function "main" of app "com-acme" version "1.0"`,
			},
		},
		{
			name:   "function of another app without a manifest",
			bundle: appBundle(t, "x-y", "1", "D", "f"),
			want: []string{
				`app "x-y" version "1" would overwrite another app version among the Lambda functions in us-east-1`,
				`Lambda function name "x-y_1_f": function "f" of app "x-y" version "1" and function "f" of app "x.y" version "1"`,
				"`aws lambda delete-function --function-name x-y_1_f`",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, args := range [][]string{
				{"aws", "deploy", tt.bundle},
				{"aws", "deploy", tt.bundle, "--update"},
			} {
				before := c.state()
				res := runCLI(t, env, args...)
				assert.Equal(t, exitFailure, res.code)
				for _, s := range tt.want {
					assert.Contains(t, res.errOut, s)
				}
				assert.NotContains(t, res.out, "Uploading")
				assert.Equal(t, before, c.state(), "a refused deploy changes nothing")
			}

			res := runCLI(t, env, "aws", "validate", tt.bundle)
			assert.Equal(t, exitFailure, res.code)
			for _, s := range tt.want {
				assert.Contains(t, res.errOut, s)
			}
			assert.NotContains(t, res.out, "Bundle is valid.")

			res = runCLI(t, env, "aws", "validate", "--offline", tt.bundle)
			assert.Equal(t, exitOK, res.code)
			assert.Contains(t, res.out, "Not checked against the apps in bucket "+testBucket+" (--offline).")
		})
	}

	t.Run("validate reads the bucket with the invoke key alone", func(t *testing.T) {
		invokeOnly := merge(env)
		delete(invokeOnly, envDeployAccessKey)
		delete(invokeOnly, envDeploySecretKey)
		res := runCLI(t, invokeOnly, "aws", "validate", appBundle(t, "abc", "1_2", "B", "fn"))
		assert.Equal(t, exitFailure, res.code)
		assert.Contains(t, res.errOut, `manifest key "manifests/abc_1_2.json"`)

		res = runCLI(t, invokeOnly, "aws", "validate", appBundle(t, "new-app", "1", "E", "fn"))
		assert.Equal(t, exitOK, res.code)
		assert.Contains(t, res.out, "Lambda functions left by other deploys not checked")
	})

	t.Run("validate without any key checks only the bundle and says so", func(t *testing.T) {
		res := runCLI(t, merge(m.Env(), map[string]string{envBucket: testBucket}), "aws", "validate", appBundle(t, "abc", "1_2", "B", "fn"))
		assert.Equal(t, exitOK, res.code)
		assert.Contains(t, res.errOut, "not checked against the apps already in bucket "+testBucket)
		assert.Contains(t, res.out, "Bundle is valid.")
	})

	t.Run("re-deploying the same app version is not a collision", func(t *testing.T) {
		res := runCLI(t, env, "aws", "validate", deployedA)
		assert.Equal(t, exitOK, res.code)
		assert.Contains(t, res.out, "No name collision with the 2 app version(s) in bucket "+testBucket)
		assert.Contains(t, res.out, "No Lambda function of another app version uses this app's function names.")

		res = runCLI(t, env, "aws", "deploy", appBundle(t, "abc_1", "2", "A2", "fn"), "--update")
		require.Equal(t, exitOK, res.code)
		_, logo := c.object("static/abc_1_2_app/logo.txt")
		assert.Equal(t, "logo of A2", string(logo))
	})

	t.Run("a different version of the same app is not a collision", func(t *testing.T) {
		res := runCLI(t, env, "aws", "deploy", appBundle(t, "abc_1", "3", "A3", "fn"))
		require.Equal(t, exitOK, res.code)
		assert.NotNil(t, c.function("abc_1_3_fn"))
		assert.Contains(t, c.keys("manifests/"), "manifests/abc_1_3.json")
	})
}

package lambdalocal

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/internal/testzip"
)

// createInput is a CreateFunction call for the test handler.
func createInput(t *testing.T, name, version string) *lambda.CreateFunctionInput {
	return &lambda.CreateFunctionInput{
		FunctionName: aws.String(name),
		Role:         aws.String("arn:aws:iam::123456789012:role/mattermost-apps-execute-lambda-role"),
		Runtime:      types.RuntimeProvidedal2023,
		Handler:      aws.String("bootstrap"),
		Timeout:      aws.Int32(5),
		MemorySize:   aws.Int32(256),
		Environment:  &types.Environment{Variables: map[string]string{"TEST_STAGE": "created"}},
		Code:         &types.FunctionCode{ZipFile: handlerZip(t, version)},
	}
}

// tinyZip is a valid zip with a bootstrap that does not run: quick to
// send where the code does not matter.
func tinyZip(t *testing.T) []byte {
	return testzip.Build(t, testzip.Entry{Name: "bootstrap", Data: []byte("#!/bin/false\n"), Mode: 0o755})
}

func TestDeployThroughTheSDK(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{})
	c := ts.client(noRetries)
	ctx := context.Background()
	const name = "com-example-app_0-1-0_fn"

	created, err := c.CreateFunction(ctx, createInput(t, name, "v1"))
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:lambda:us-east-1:123456789012:function:"+name, aws.ToString(created.FunctionArn))
	assert.Equal(t, types.StateActive, created.State)
	assert.EqualValues(t, 5, aws.ToInt32(created.Timeout))
	assert.EqualValues(t, 256, aws.ToInt32(created.MemorySize))

	require.NoError(t, lambda.NewFunctionActiveV2Waiter(c).Wait(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)}, time.Minute))
	res := invoke(t, c, name, map[string]string{})
	assert.Equal(t, "v1", res.Response.CodeVersion)
	assert.Equal(t, "created", res.Response.Env["TEST_STAGE"])
	assert.Equal(t, "256", res.Response.Env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"])

	t.Run("create again conflicts", func(t *testing.T) {
		in := createInput(t, name, "")
		in.Code.ZipFile = tinyZip(t)
		_, err := c.CreateFunction(ctx, in)
		var conflict *types.ResourceConflictException
		require.ErrorAs(t, err, &conflict)
	})
	t.Run("bad zip is rejected", func(t *testing.T) {
		in := createInput(t, "badzip", "")
		in.Code.ZipFile = []byte("not a zip")
		_, err := c.CreateFunction(ctx, in)
		var invalid *types.InvalidParameterValueException
		require.ErrorAs(t, err, &invalid)
		assert.Contains(t, invalid.ErrorMessage(), "Could not unzip uploaded file")
	})

	t.Run("update code", func(t *testing.T) {
		updated, err := c.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String(name), ZipFile: handlerZip(t, "v2")})
		require.NoError(t, err)
		assert.Equal(t, types.LastUpdateStatusSuccessful, updated.LastUpdateStatus)
		require.NoError(t, lambda.NewFunctionUpdatedV2Waiter(c).Wait(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)}, time.Minute))
		res := invoke(t, c, name, map[string]string{})
		assert.Equal(t, "v2", res.Response.CodeVersion)
		assert.Equal(t, "created", res.Response.Env["TEST_STAGE"], "the configuration is kept")
	})

	t.Run("update configuration", func(t *testing.T) {
		_, err := c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
			FunctionName: aws.String(name),
			Environment:  &types.Environment{Variables: map[string]string{"TEST_STAGE": "reconfigured"}},
			Timeout:      aws.Int32(7),
		})
		require.NoError(t, err)
		got, err := c.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(name)})
		require.NoError(t, err)
		assert.EqualValues(t, 7, aws.ToInt32(got.Timeout))
		assert.EqualValues(t, 256, aws.ToInt32(got.MemorySize), "fields not given are kept")
		res := invoke(t, c, name, map[string]string{})
		assert.Equal(t, "reconfigured", res.Response.Env["TEST_STAGE"])
		assert.Equal(t, "v2", res.Response.CodeVersion, "the code is kept")
	})

	t.Run("get and list", func(t *testing.T) {
		got, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)})
		require.NoError(t, err)
		assert.Equal(t, name, aws.ToString(got.Configuration.FunctionName))
		assert.Equal(t, "bootstrap", aws.ToString(got.Configuration.Handler))
		assert.Equal(t, types.RuntimeProvidedal2023, got.Configuration.Runtime)
		assert.NotEmpty(t, aws.ToString(got.Configuration.CodeSha256))
		list, err := c.ListFunctions(ctx, &lambda.ListFunctionsInput{})
		require.NoError(t, err)
		require.Len(t, list.Functions, 1)
		assert.Equal(t, name, aws.ToString(list.Functions[0].FunctionName))
	})

	t.Run("delete", func(t *testing.T) {
		_, err := c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String(name)})
		require.NoError(t, err)
		_, err = invokeErr(c, name, map[string]string{})
		var nf *types.ResourceNotFoundException
		require.ErrorAs(t, err, &nf)
		_, err = c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)})
		require.ErrorAs(t, err, &nf)
		_, err = c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String(name)})
		require.ErrorAs(t, err, &nf)
	})

	t.Run("update of an unknown function", func(t *testing.T) {
		_, err := c.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("nobody"), ZipFile: tinyZip(t)})
		var nf *types.ResourceNotFoundException
		require.ErrorAs(t, err, &nf)
	})
	t.Run("unimplemented call without fallback", func(t *testing.T) {
		_, err := c.ListAliases(ctx, &lambda.ListAliasesInput{FunctionName: aws.String(name)})
		var apiErr smithy.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, "UnknownOperationException", apiErr.ErrorCode())
	})
}

func TestFunctionsDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "plain.zip"), handlerZip(t, "plain"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "configured.zip"), handlerZip(t, "configured"), 0o644))
	sidecar := `{"Timeout": 9, "MemorySize": 512, "Environment": {"Variables": {"TEST_FROM": "sidecar"}}, "FunctionArn": "ignored"}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "configured.json"), []byte(sidecar), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "README.txt"), []byte("not a function"), 0o644))

	ts := startServer(t, Config{FunctionsDir: dir})
	assert.Equal(t, []string{"configured", "plain"}, ts.FunctionNames())
	c := ts.client()

	plain := invoke(t, c, "plain", map[string]string{})
	assert.Equal(t, "plain", plain.Response.CodeVersion)
	configured := invoke(t, c, "configured", map[string]string{})
	assert.Equal(t, "sidecar", configured.Response.Env["TEST_FROM"])
	assert.Equal(t, "512", configured.Response.Env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"])
	got, err := c.GetFunctionConfiguration(context.Background(), &lambda.GetFunctionConfigurationInput{FunctionName: aws.String("configured")})
	require.NoError(t, err)
	assert.EqualValues(t, 9, aws.ToInt32(got.Timeout))
}

func TestFunctionsDirErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string][]byte
	}{
		{"not a zip", map[string][]byte{"broken.zip": []byte("nope")}},
		{"bad sidecar", map[string][]byte{"fn.zip": {}, "fn.json": []byte("{")}},
		{"bad function name", map[string][]byte{"a.b.zip": {}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, data := range tt.files {
				if name == "fn.zip" || name == "a.b.zip" {
					data = handlerZip(t, "")
				}
				require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
			}
			s, err := New(Config{FunctionsDir: dir, DataDir: t.TempDir(), Logger: testLogger(t)})
			if err == nil {
				require.NoError(t, s.Close())
			}
			require.Error(t, err)
		})
	}
	t.Run("missing dir", func(t *testing.T) {
		_, err := New(Config{FunctionsDir: filepath.Join(t.TempDir(), "absent"), DataDir: t.TempDir()})
		require.Error(t, err)
	})
}

func TestLocalControlEndpoint(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{})
	c := ts.client(noRetries)

	put := func(t *testing.T, query string, body []byte) *http.Response {
		req, err := http.NewRequest(http.MethodPut, ts.url+"/local/functions/ctl?"+query, bytes.NewReader(body))
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		return resp
	}

	resp := put(t, "timeout=2&memory=512&env=TEST_A=1&env=TEST_B=x%3Dy&concurrency=3", handlerZip(t, "ctl"))
	body := readAll(t, resp.Body)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	var fc functionConfiguration
	require.NoError(t, json.Unmarshal([]byte(body), &fc))
	assert.Equal(t, 2, fc.Timeout)
	assert.Equal(t, 512, fc.MemorySize)

	res := invoke(t, c, "ctl", map[string]string{})
	assert.Equal(t, "ctl", res.Response.CodeVersion)
	assert.Equal(t, "1", res.Response.Env["TEST_A"])
	assert.Equal(t, "x=y", res.Response.Env["TEST_B"])
	assert.Equal(t, 3, *ts.lookup("ctl").reservedConcurrency())

	for _, bad := range []string{"timeout=-1", "memory=lots", "concurrency=x", "env=novalue"} {
		resp := put(t, bad, handlerZip(t, ""))
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, bad)
		resp.Body.Close()
	}
	resp = put(t, "", []byte("not a zip"))
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	resp.Body.Close()

	req, err := http.NewRequest(http.MethodDelete, ts.url+"/local/functions/ctl", nil)
	require.NoError(t, err)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	_, err = invokeErr(c, "ctl", map[string]string{})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)

	resp, err = http.Get(ts.url + "/local/health")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	resp.Body.Close()
}

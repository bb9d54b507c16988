package lambdalocal

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInvokeNames(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{})
	ts.deploy(t, "names", "", FunctionConfig{})
	c := ts.client()
	const arn = "arn:aws:lambda:us-east-1:123456789012:function:names"

	tests := []struct {
		name, functionName, wantARN string
	}{
		{"plain name", "names", arn},
		{"name and qualifier", "names:$LATEST", arn + ":$LATEST"},
		{"full ARN", arn, arn},
		{"full ARN and alias", arn + ":live", arn + ":live"},
		{"partial ARN", "123456789012:function:names", arn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := invoke(t, c, tt.functionName, map[string]string{"action": "echo"})
			require.Empty(t, res.FunctionError)
			assert.Equal(t, tt.wantARN, res.Response.FunctionARN)
		})
	}
}

func TestInvokeRequestMetadata(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{})
	ts.deploy(t, "meta", "", FunctionConfig{MemorySize: 256, Environment: map[string]string{"TEST_FOO": "bar"}})
	c := ts.client()

	clientContext := base64.StdEncoding.EncodeToString([]byte(`{"custom":{"who":"test"}}`))
	out, err := c.Invoke(context.Background(), &lambda.InvokeInput{
		FunctionName:  aws.String("meta"),
		Payload:       []byte(`{"action":"echo"}`),
		ClientContext: aws.String(clientContext),
		LogType:       types.LogTypeTail,
	})
	require.NoError(t, err)
	require.Nil(t, out.FunctionError, "payload %s", out.Payload)
	var resp handlerResponse
	require.NoError(t, json.Unmarshal(out.Payload, &resp))

	requestID, ok := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	require.True(t, ok, "the answer carries a request ID")
	assert.Equal(t, requestID, resp.RequestID, "the handler sees the request ID of the answer")
	assert.NotZero(t, resp.DeadlineMS, "the handler has a deadline")
	assert.Equal(t, map[string]string{"who": "test"}, resp.ClientContext)

	env := resp.Env
	assert.Equal(t, "meta", env["AWS_LAMBDA_FUNCTION_NAME"])
	assert.Equal(t, "$LATEST", env["AWS_LAMBDA_FUNCTION_VERSION"])
	assert.Equal(t, "256", env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"])
	assert.Equal(t, "us-east-1", env["AWS_REGION"])
	assert.Equal(t, "bootstrap", env["_HANDLER"])
	assert.Equal(t, "bar", env["TEST_FOO"])
	assert.FileExists(t, filepath.Join(env["LAMBDA_TASK_ROOT"], "bootstrap"))

	logs, err := base64.StdEncoding.DecodeString(aws.ToString(out.LogResult))
	require.NoError(t, err)
	for _, want := range []string{"START RequestId: " + requestID, "END RequestId: " + requestID, "REPORT RequestId: " + requestID} {
		assert.Contains(t, string(logs), want)
	}
}

func TestInvokeFunctionErrors(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{})
	ts.deploy(t, "errors", "", FunctionConfig{})
	c := ts.client()

	tests := []struct {
		name        string
		payload     map[string]any
		wantType    string
		wantMessage string
	}{
		{"returned error", map[string]any{"action": "fail"}, "HandlerFailure", "asked to fail"},
		{"panic", map[string]any{"action": "panic"}, "string", "boom"},
		{"process exit", map[string]any{"action": "crash"}, "Runtime.ExitError", "Runtime exited with error: exit status 3"},
		{"response too large", map[string]any{"action": "big", "size": maxResponsePayload}, "Function.ResponseSizeTooLarge", "Response payload size exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := invoke(t, c, "errors", map[string]string{"action": "echo"})
			require.Empty(t, before.FunctionError)

			res := invoke(t, c, "errors", tt.payload)
			assert.Equal(t, "Unhandled", res.FunctionError)
			assert.Equal(t, tt.wantType, res.Error.ErrorType)
			assert.Contains(t, res.Error.ErrorMessage, tt.wantMessage)

			after := invoke(t, c, "errors", map[string]string{"action": "echo"})
			assert.Empty(t, after.FunctionError, "the function works again after a failure")
		})
	}
}

func TestInvokeCrashStartsFreshProcess(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{})
	ts.deploy(t, "crash", "", FunctionConfig{})
	c := ts.client()

	for _, action := range []string{"crash", "panic"} {
		first := invoke(t, c, "crash", map[string]string{"action": "echo"})
		res := invoke(t, c, "crash", map[string]string{"action": action})
		require.Equal(t, "Unhandled", res.FunctionError, action)
		next := invoke(t, c, "crash", map[string]string{"action": "echo"})
		require.Empty(t, next.FunctionError, action)
		assert.NotEqual(t, first.Response.PID, next.Response.PID, "%s: a new process serves the next call", action)
		waitFor(t, action+": the old process to be gone", func() bool { return processGone(first.Response.PID) })
	}
}

func TestInvokeAPIErrors(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{})
	ts.deploy(t, "limits", "", FunctionConfig{})
	c := ts.client(noRetries)

	tests := []struct {
		name     string
		function string
		invType  types.InvocationType
		payload  []byte
		check    func(t *testing.T, err error)
	}{
		{
			name: "unknown function", function: "missing", payload: []byte(`{}`),
			check: func(t *testing.T, err error) {
				var nf *types.ResourceNotFoundException
				require.ErrorAs(t, err, &nf)
				assert.Equal(t, "Function not found: arn:aws:lambda:us-east-1:123456789012:function:missing", nf.ErrorMessage())
			},
		},
		{
			name: "unknown function by ARN", function: "arn:aws:lambda:eu-west-1:111122223333:function:missing:3", payload: []byte(`{}`),
			check: func(t *testing.T, err error) {
				var nf *types.ResourceNotFoundException
				require.ErrorAs(t, err, &nf)
				assert.Contains(t, nf.ErrorMessage(), "arn:aws:lambda:eu-west-1:111122223333:function:missing:3")
			},
		},
		{
			name: "sync payload over 6 MB", function: "limits", payload: jsonString(maxSyncPayload),
			check: func(t *testing.T, err error) {
				var tooLarge *types.RequestTooLargeException
				require.ErrorAs(t, err, &tooLarge)
			},
		},
		{
			name: "event payload over 256 KB", function: "limits", invType: types.InvocationTypeEvent, payload: jsonString(maxEventPayload),
			check: func(t *testing.T, err error) {
				var tooLarge *types.RequestTooLargeException
				require.ErrorAs(t, err, &tooLarge)
			},
		},
		{
			name: "payload not JSON", function: "limits", payload: []byte(`{not json`),
			check: func(t *testing.T, err error) {
				var bad *types.InvalidRequestContentException
				require.ErrorAs(t, err, &bad)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Invoke(context.Background(), &lambda.InvokeInput{
				FunctionName: aws.String(tt.function), InvocationType: tt.invType, Payload: tt.payload,
			})
			require.Error(t, err)
			tt.check(t, err)
		})
	}

	t.Run("payload at the sync limit", func(t *testing.T) {
		out, err := c.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String("limits"), Payload: jsonString(maxSyncPayload - 1)})
		require.NoError(t, err)
		assert.Nil(t, out.FunctionError, "payload %.200s", out.Payload)
	})
}

// jsonString returns a JSON document of exactly n+1 bytes, with a field
// the test handler ignores.
func jsonString(n int) []byte {
	const frame = len(`{"pad":""}`)
	return []byte(`{"pad":"` + strings.Repeat("a", n+1-frame) + `"}`)
}

func TestInvokeTypes(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{})
	ts.deploy(t, "types", "", FunctionConfig{})
	c := ts.client()

	t.Run("DryRun", func(t *testing.T) {
		out, err := c.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String("types"), InvocationType: types.InvocationTypeDryRun})
		require.NoError(t, err)
		assert.EqualValues(t, http.StatusNoContent, out.StatusCode)
	})
	t.Run("Event runs in the background", func(t *testing.T) {
		marker := filepath.Join(t.TempDir(), "ran")
		out, err := c.Invoke(context.Background(), &lambda.InvokeInput{
			FunctionName:   aws.String("types"),
			InvocationType: types.InvocationTypeEvent,
			Payload:        []byte(`{"action":"touch","path":"` + marker + `"}`),
		})
		require.NoError(t, err)
		assert.EqualValues(t, http.StatusAccepted, out.StatusCode)
		waitFor(t, "the event to run", func() bool { return fileExists(marker) })
		requestID, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
		written, err := os.ReadFile(marker)
		require.NoError(t, err)
		assert.Equal(t, requestID, string(written), "the event ran with the request ID of the 202 answer")
	})
	t.Run("unknown type", func(t *testing.T) {
		_, err := c.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String("types"), InvocationType: "Sometimes"})
		var apiErr smithy.APIError
		require.True(t, errors.As(err, &apiErr), "error %v", err)
		assert.Equal(t, "InvalidParameterValueException", apiErr.ErrorCode())
	})
}

package lambdalocal

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/internal/testzip"
)

func TestTimeoutKillsTheProcess(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{})
	ts.deploy(t, "slow", "", FunctionConfig{Timeout: 1})
	c := ts.client()

	first := invoke(t, c, "slow", map[string]string{"action": "echo"})
	require.Empty(t, first.FunctionError)

	res := invoke(t, c, "slow", map[string]any{"action": "sleep", "seconds": 30})
	assert.Equal(t, "Unhandled", res.FunctionError)
	assert.Equal(t, "Sandbox.Timedout", res.Error.ErrorType)
	assert.Contains(t, res.Error.ErrorMessage, "Task timed out after 1.00 seconds")
	waitFor(t, "the timed-out process to be killed", func() bool { return processGone(first.Response.PID) })

	next := invoke(t, c, "slow", map[string]string{"action": "echo"})
	require.Empty(t, next.FunctionError)
	assert.NotEqual(t, first.Response.PID, next.Response.PID)
}

func TestConcurrencyLimit(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Concurrency: 2})
	ts.deploy(t, "busy", "", FunctionConfig{Timeout: 60})
	c := ts.client(noRetries)
	dir := t.TempDir()
	release := filepath.Join(dir, "release")

	// Fill both slots with invocations that wait for the release file.
	var wg sync.WaitGroup
	results := make([]invokeResult, 2)
	started := make([]string, 2)
	for i := range results {
		started[i] = filepath.Join(dir, "started-"+strconv.Itoa(i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := invokeErr(c, "busy", map[string]string{"action": "wait", "path": release, "started": started[i]})
			if assert.NoError(t, err) {
				assert.Nil(t, out.FunctionError, "payload %s", out.Payload)
			}
		}()
	}
	pids := map[string]bool{}
	for _, f := range started {
		// The handler creates the file, then writes its PID into it: wait
		// for the PID, not just the file.
		var pid []byte
		waitFor(t, "both invocations to run", func() bool {
			var err error
			pid, err = os.ReadFile(f)
			return err == nil && len(pid) > 0
		})
		pids[string(pid)] = true
	}
	assert.Len(t, pids, 2, "each concurrent invocation has its own process")

	_, err := invokeErr(c, "busy", map[string]string{"action": "echo"})
	var throttled *types.TooManyRequestsException
	require.ErrorAs(t, err, &throttled, "a third concurrent invocation is throttled")
	assert.Equal(t, types.ThrottleReasonReservedFunctionConcurrentInvocationLimitExceeded, throttled.Reason)

	require.NoError(t, os.WriteFile(release, nil, 0o644))
	wg.Wait()
	res := invoke(t, c, "busy", map[string]string{"action": "echo"})
	assert.Empty(t, res.FunctionError, "slots are free again")
	assert.True(t, pids[strconv.Itoa(res.Response.PID)], "an idle process is reused")
}

func TestReservedConcurrency(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{})
	ts.deploy(t, "reserved", "", FunctionConfig{})
	c := ts.client(noRetries)
	ctx := context.Background()

	_, err := c.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{
		FunctionName: aws.String("reserved"), ReservedConcurrentExecutions: aws.Int32(0),
	})
	require.NoError(t, err)
	got, err := c.GetFunctionConcurrency(ctx, &lambda.GetFunctionConcurrencyInput{FunctionName: aws.String("reserved")})
	require.NoError(t, err)
	assert.Equal(t, int32(0), aws.ToInt32(got.ReservedConcurrentExecutions))

	_, err = invokeErr(c, "reserved", map[string]string{})
	var throttled *types.TooManyRequestsException
	require.ErrorAs(t, err, &throttled, "reserved concurrency 0 throttles everything")

	_, err = c.DeleteFunctionConcurrency(ctx, &lambda.DeleteFunctionConcurrencyInput{FunctionName: aws.String("reserved")})
	require.NoError(t, err)
	res := invoke(t, c, "reserved", map[string]string{})
	assert.Empty(t, res.FunctionError)
}

func TestEntrypoints(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{})
	c := ts.client()

	tests := []struct {
		name     string
		entries  []testzip.Entry
		cfg      FunctionConfig
		wantType string // errorType; empty for success
	}{
		{
			name:    "provided.al2 bootstrap",
			entries: []testzip.Entry{{Name: "bootstrap", Data: handlerBinary, Mode: 0o755}},
			cfg:     FunctionConfig{Runtime: "provided.al2", Handler: "whatever"},
		},
		{
			name:    "legacy go1.x handler executable",
			entries: []testzip.Entry{{Name: "hello", Data: handlerBinary}},
			cfg:     FunctionConfig{Runtime: "go1.x", Handler: "hello"},
		},
		{
			name:     "no bootstrap",
			entries:  []testzip.Entry{{Name: "main", Data: handlerBinary}},
			cfg:      FunctionConfig{Runtime: "provided.al2023"},
			wantType: "Runtime.InvalidEntrypoint",
		},
		{
			name:     "unsupported runtime",
			entries:  []testzip.Entry{{Name: "index.py", Data: []byte("def handler(e, c): pass\n")}},
			cfg:      FunctionConfig{Runtime: "python3.12", Handler: "index.handler"},
			wantType: "Runtime.InvalidEntrypoint",
		},
		{
			name:     "bootstrap that is not a program",
			entries:  []testzip.Entry{{Name: "bootstrap", Data: []byte("not a program")}},
			wantType: "Runtime.InvalidEntrypoint",
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "entry" + strconv.Itoa(i)
			require.NoError(t, ts.Deploy(name, testzip.Build(t, tt.entries...), tt.cfg))
			res := invoke(t, c, name, map[string]string{"action": "echo"})
			if tt.wantType == "" {
				require.Empty(t, res.FunctionError, "error %+v", res.Error)
				assert.Equal(t, name, res.Response.Env["AWS_LAMBDA_FUNCTION_NAME"])
				return
			}
			assert.Equal(t, "Unhandled", res.FunctionError)
			assert.Equal(t, tt.wantType, res.Error.ErrorType, "message %s", res.Error.ErrorMessage)
		})
	}
}

func TestRedeployReplacesIdleProcesses(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{})
	c := ts.client()
	ts.deploy(t, "redeploy", "v1", FunctionConfig{})
	v1 := invoke(t, c, "redeploy", map[string]string{})
	require.Equal(t, "v1", v1.Response.CodeVersion)
	oldRoot := v1.Response.Env["LAMBDA_TASK_ROOT"]

	ts.deploy(t, "redeploy", "v2", FunctionConfig{})
	v2 := invoke(t, c, "redeploy", map[string]string{})
	assert.Equal(t, "v2", v2.Response.CodeVersion)
	assert.NotEqual(t, v1.Response.PID, v2.Response.PID)
	waitFor(t, "the old process to stop", func() bool { return processGone(v1.Response.PID) })
	waitFor(t, "the old code to be removed", func() bool { return !fileExists(oldRoot) })
}

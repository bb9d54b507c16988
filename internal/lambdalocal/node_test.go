package lambdalocal

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/internal/testzip"
)

// These tests run the JavaScript fixtures of testdata/node with the
// machine's node, through lambda-local's own Node.js runtime client.

// nodeFixture zips the folder testdata/node/<name>.
func nodeFixture(t *testing.T, name string) []byte {
	t.Helper()
	root := filepath.Join("testdata", "node", name)
	var entries []testzip.Entry
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		entries = append(entries, testzip.Entry{Name: filepath.ToSlash(rel), Data: data})
		return err
	})
	require.NoError(t, err)
	require.NotEmpty(t, entries, "fixture %s", name)
	return testzip.Build(t, entries...)
}

// nodeResult is a decoded answer of a Node.js function.
type nodeResult struct {
	out       *lambda.InvokeOutput
	requestID string
	body      map[string]any
	err       nodeError
	logs      string
}

// nodeError is the error payload of Lambda's Node.js runtime.
type nodeError struct {
	ErrorType    string   `json:"errorType"`
	ErrorMessage string   `json:"errorMessage"`
	Trace        []string `json:"trace"`
}

// invokeNode invokes a function synchronously with the log tail and
// decodes the answer.
func invokeNode(t *testing.T, c *lambda.Client, name string, payload any) nodeResult {
	t.Helper()
	data, err := json.Marshal(payload)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(name), Payload: data, LogType: types.LogTypeTail})
	require.NoError(t, err)
	require.EqualValues(t, http.StatusOK, out.StatusCode)
	res := nodeResult{out: out}
	res.requestID, _ = awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	logs, err := base64.StdEncoding.DecodeString(aws.ToString(out.LogResult))
	require.NoError(t, err)
	res.logs = string(logs)
	if out.FunctionError != nil {
		require.NoError(t, json.Unmarshal(out.Payload, &res.err), "payload %s", out.Payload)
	} else if string(out.Payload) != "null" {
		require.NoError(t, json.Unmarshal(out.Payload, &res.body), "payload %s", out.Payload)
	}
	return res
}

// pid returns the process ID a fixture reported.
func (r nodeResult) pid(t *testing.T) int {
	t.Helper()
	pid, ok := r.body["pid"].(float64)
	require.True(t, ok, "no pid in %v (error %+v)", r.body, r.err)
	return int(pid)
}

func TestNodeHandlers(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{})
	c := ts.client()

	tests := []struct {
		name, fixture, handler string
		want                   map[string]any
	}{
		{"CommonJS async", "cjs", "index.handler", map[string]any{"module": "cjs", "style": "async"}},
		{"callback style", "cjs", "index.callback", map[string]any{"module": "cjs", "style": "callback"}},
		{"nested export", "cjs", "index.nested.deep", map[string]any{"module": "cjs", "style": "nested"}},
		{"sub-folder with a node_modules dependency", "cjs", "lib/withdep.handler", map[string]any{"module": "withdep", "text": "Hello, World!"}},
		{"ES module .mjs in dist/", "esm", "dist/index.handler", map[string]any{"module": "esm", "started": true}},
		{"ES module .js under type module", "typemodule", "src/app.handler", map[string]any{"module": "typemodule", "file": "app.js"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "node" + strconv.Itoa(i)
			require.NoError(t, ts.Deploy(name, nodeFixture(t, tt.fixture), FunctionConfig{Runtime: "nodejs20.x", Handler: tt.handler}))
			res := invokeNode(t, c, name, map[string]any{"name": "World"})
			require.Nil(t, res.out.FunctionError, "error %+v", res.err)
			for k, v := range tt.want {
				assert.Equal(t, v, res.body[k], k)
			}
		})
	}

	t.Run("sync return without callback answers null", func(t *testing.T) {
		require.NoError(t, ts.Deploy("nodesync", nodeFixture(t, "cjs"), FunctionConfig{Runtime: "nodejs20.x", Handler: "index.sync"}))
		res := invokeNode(t, c, "nodesync", map[string]any{})
		require.Nil(t, res.out.FunctionError, "error %+v", res.err)
		assert.Equal(t, "null", string(res.out.Payload))
	})
	t.Run("callbackWaitsForEmptyEventLoop false answers at once", func(t *testing.T) {
		require.NoError(t, ts.Deploy("nodenowait", nodeFixture(t, "cjs"), FunctionConfig{Runtime: "nodejs20.x", Handler: "index.callback", Timeout: 30}))
		res := invokeNode(t, c, "nodenowait", map[string]any{"action": "no-wait"})
		require.Nil(t, res.out.FunctionError, "error %+v", res.err)
		assert.Equal(t, false, res.body["waited"])
	})
}

func TestNodeContextAndEnvironment(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{})
	c := ts.client()
	require.NoError(t, ts.Deploy("nodectx", nodeFixture(t, "cjs"), FunctionConfig{
		Runtime: "nodejs20.x", Handler: "index.handler", Timeout: 7, MemorySize: 256,
		Environment: map[string]string{"TEST_GREETING": "hi"},
	}))

	res := invokeNode(t, c, "nodectx", map[string]any{"k": "v"})
	require.Nil(t, res.out.FunctionError, "error %+v", res.err)
	assert.Equal(t, map[string]any{"k": "v"}, res.body["event"])

	ctxv, ok := res.body["context"].(map[string]any)
	require.True(t, ok, "%v", res.body)
	assert.Equal(t, res.requestID, ctxv["awsRequestId"])
	assert.Equal(t, "nodectx", ctxv["functionName"])
	assert.Equal(t, "$LATEST", ctxv["functionVersion"])
	assert.Equal(t, "arn:aws:lambda:us-east-1:123456789012:function:nodectx", ctxv["invokedFunctionArn"])
	assert.Equal(t, "256", ctxv["memoryLimitInMB"])
	assert.Equal(t, "/aws/lambda/nodectx", ctxv["logGroupName"])
	remaining, ok := ctxv["remainingMs"].(float64)
	require.True(t, ok, "%v", ctxv)
	assert.Greater(t, remaining, 0.0)
	assert.LessOrEqual(t, remaining, 7000.0, "bounded by the function's timeout")

	env, ok := res.body["env"].(map[string]any)
	require.True(t, ok, "%v", res.body)
	assert.Equal(t, "nodectx", env["AWS_LAMBDA_FUNCTION_NAME"])
	assert.Equal(t, "index.handler", env["_HANDLER"])
	assert.Equal(t, "AWS_Lambda_nodejs20.x", env["AWS_EXECUTION_ENV"])
	assert.Equal(t, "hi", env["TEST_GREETING"])
	root, _ := env["LAMBDA_TASK_ROOT"].(string)
	assert.FileExists(t, filepath.Join(root, "index.js"))

	t.Run("client context", func(t *testing.T) {
		out, err := c.Invoke(context.Background(), &lambda.InvokeInput{
			FunctionName:  aws.String("nodectx"),
			Payload:       []byte(`{}`),
			ClientContext: aws.String(base64.StdEncoding.EncodeToString([]byte(`{"custom":{"who":"test"}}`))),
		})
		require.NoError(t, err)
		assert.Contains(t, string(out.Payload), `"clientContext":{"custom":{"who":"test"}}`)
	})

	t.Run("console output in the function's log", func(t *testing.T) {
		res := invokeNode(t, c, "nodectx", map[string]any{"action": "log"})
		require.Nil(t, res.out.FunctionError, "error %+v", res.err)
		assert.Contains(t, res.logs, "\t"+res.requestID+"\tINFO\thello from node { n: 1 }\n")
		assert.Contains(t, res.logs, "\t"+res.requestID+"\tERROR\tan error line\n")
		assert.Contains(t, res.logs, "END RequestId: "+res.requestID)
		assert.Contains(t, res.logs, "\nno newline at the end\nEND RequestId: ", "an unterminated last line is the invocation's too")
		assert.NotContains(t, res.logs, "output-flushed", "the runtime client's output marker is not a log line")
	})
}

func TestNodeFunctionErrors(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{})
	c := ts.client()
	require.NoError(t, ts.Deploy("nodeerr", nodeFixture(t, "cjs"), FunctionConfig{Runtime: "nodejs20.x", Handler: "index.handler", Timeout: 30}))
	require.NoError(t, ts.Deploy("nodecb", nodeFixture(t, "cjs"), FunctionConfig{Runtime: "nodejs20.x", Handler: "index.callback"}))

	tests := []struct {
		name, function string
		payload        map[string]any
		wantType       string
		wantMessage    string
		wantTrace      string // a line of the trace, "" for none
		newProcess     bool   // the process is replaced after the error
	}{
		{"thrown Error subclass", "nodeerr", map[string]any{"action": "fail"}, "HandlerFailure", "asked to fail", "HandlerFailure: asked to fail", false},
		{"thrown string", "nodeerr", map[string]any{"action": "throw-string"}, "string", "a plain string", "", false},
		{"rejected promise", "nodeerr", map[string]any{"action": "reject"}, "TypeError", "rejected on purpose", "TypeError: rejected on purpose", false},
		{"callback error", "nodecb", map[string]any{"action": "fail"}, "HandlerFailure", "callback failure", "HandlerFailure: callback failure", false},
		{"result that is not JSON", "nodeerr", map[string]any{"action": "circular"}, "Runtime.MalformedHandlerResponse", "Unable to stringify", "", false},
		{"uncaught exception", "nodeerr", map[string]any{"action": "uncaught"}, "RangeError", "thrown from a timer", "RangeError: thrown from a timer", true},
		{"unhandled rejection", "nodeerr", map[string]any{"action": "unhandled-rejection"}, "Runtime.UnhandledPromiseRejection", "nobody catches this", "", true},
		{"process.exit(3)", "nodeerr", map[string]any{"action": "exit", "code": 3}, "Runtime.ExitError", "Runtime exited with error: exit status 3", "", true},
		{"process.exit(0)", "nodeerr", map[string]any{"action": "exit", "code": 0}, "Runtime.ExitError", "Runtime exited without providing a reason", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := invokeNode(t, c, tt.function, map[string]any{})
			require.Nil(t, before.out.FunctionError, "error %+v", before.err)

			res := invokeNode(t, c, tt.function, tt.payload)
			require.Equal(t, "Unhandled", aws.ToString(res.out.FunctionError), "payload %s", res.out.Payload)
			assert.Equal(t, tt.wantType, res.err.ErrorType)
			assert.Contains(t, res.err.ErrorMessage, tt.wantMessage)
			if tt.wantTrace != "" {
				require.NotEmpty(t, res.err.Trace)
				assert.Equal(t, tt.wantTrace, res.err.Trace[0])
			}

			after := invokeNode(t, c, tt.function, map[string]any{})
			require.Nil(t, after.out.FunctionError, "the function works again after the error: %+v", after.err)
			if tt.newProcess {
				assert.NotEqual(t, before.pid(t), after.pid(t), "a fresh process serves the next invocation")
				waitFor(t, "the old process to be gone", func() bool { return processGone(before.pid(t)) })
			} else {
				assert.Equal(t, before.pid(t), after.pid(t), "the process is reused after a handled error")
			}
		})
	}
}

func TestNodeTimeout(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{})
	c := ts.client()
	require.NoError(t, ts.Deploy("nodeslow", nodeFixture(t, "cjs"), FunctionConfig{Runtime: "nodejs20.x", Handler: "index.handler", Timeout: 1}))

	first := invokeNode(t, c, "nodeslow", map[string]any{})
	require.Nil(t, first.out.FunctionError, "error %+v", first.err)
	res := invokeNode(t, c, "nodeslow", map[string]any{"action": "sleep", "ms": 30000})
	assert.Equal(t, "Sandbox.Timedout", res.err.ErrorType)
	assert.Contains(t, res.err.ErrorMessage, "Task timed out after 1.00 seconds")
	waitFor(t, "the timed-out process to be killed", func() bool { return processGone(first.pid(t)) })

	next := invokeNode(t, c, "nodeslow", map[string]any{})
	require.Nil(t, next.out.FunctionError, "error %+v", next.err)
	assert.NotEqual(t, first.pid(t), next.pid(t))
}

func TestNodeInitErrors(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{})
	c := ts.client()

	tests := []struct {
		name, fixture, handler string
		wantType, wantMessage  string
	}{
		{"syntax error", "initerrors", "syntax.handler", "Runtime.UserCodeSyntaxError", "SyntaxError"},
		{"throws while loading", "initerrors", "throws.handler", "Error", "cannot start: missing configuration"},
		{"missing file", "initerrors", "nowhere.handler", "Runtime.ImportModuleError", "Cannot find module 'nowhere'"},
		{"missing file in a folder", "initerrors", "dist/ok.handler", "Runtime.ImportModuleError", "Cannot find module 'dist/ok'"},
		{"missing export", "initerrors", "ok.nope", "Runtime.HandlerNotFound", "ok.nope is undefined or not exported"},
		{"export not a function", "cjs", "index.notAFunction", "Runtime.HandlerNotFound", "index.notAFunction is not a function"},
		{"handler without an export", "initerrors", "ok", "Runtime.MalformedHandlerName", "Bad handler ok"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "nodeinit" + strconv.Itoa(i)
			require.NoError(t, ts.Deploy(name, nodeFixture(t, tt.fixture), FunctionConfig{Runtime: "nodejs20.x", Handler: tt.handler}))
			for range 2 { // each invocation gets the error, from a fresh process
				res := invokeNode(t, c, name, map[string]any{})
				require.Equal(t, "Unhandled", aws.ToString(res.out.FunctionError), "payload %s", res.out.Payload)
				assert.Equal(t, tt.wantType, res.err.ErrorType, "message %s", res.err.ErrorMessage)
				assert.Contains(t, res.err.ErrorMessage, tt.wantMessage)
			}
		})
	}
}

func TestNodeRuntimesThatCannotRun(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Node: "node-that-is-not-installed"})
	c := ts.client()

	tests := []struct {
		name    string
		cfg     FunctionConfig
		wantMsg []string
	}{
		{"nodejs without node on PATH", FunctionConfig{Runtime: "nodejs20.x", Handler: "index.handler"},
			[]string{`runtime nodejs20.x needs the "node-that-is-not-installed" program`, "PATH"}},
		{"java without java", FunctionConfig{Runtime: "java11", Handler: "example.Handler::handleRequest"},
			[]string{`runtime "java11" (it would need java) cannot run here`}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "cannot" + strconv.Itoa(i)
			require.NoError(t, ts.Deploy(name, nodeFixture(t, "initerrors"), tt.cfg))
			res := invokeNode(t, c, name, map[string]any{})
			require.Equal(t, "Unhandled", aws.ToString(res.out.FunctionError))
			assert.Equal(t, "Runtime.InvalidEntrypoint", res.err.ErrorType)
			for _, m := range tt.wantMsg {
				assert.Contains(t, res.err.ErrorMessage, m)
			}
			assert.False(t, strings.Contains(res.err.ErrorMessage, "bootstrap") && isNodeRuntime(tt.cfg.Runtime), "names node, not a bootstrap: %s", res.err.ErrorMessage)
		})
	}
}

func TestSplitMarker(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, line, wantBefore, wantID string
		wantOK                         bool
	}{
		{"plain line", "hello", "hello", "", false},
		{"marker alone", "\x00lambda-local:output-flushed:req-1", "", "req-1", true},
		{"after an unterminated line", "partial\x00lambda-local:output-flushed:req-2", "partial", "req-2", true},
		{"NUL without the marker", "a\x00b", "a\x00b", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, id, ok := splitMarker([]byte(tt.line))
			assert.Equal(t, tt.wantBefore, string(before))
			assert.Equal(t, tt.wantID, id)
			assert.Equal(t, tt.wantOK, ok)
		})
	}
}

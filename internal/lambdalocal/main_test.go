package lambdalocal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/internal/testzip"
)

// handlerBinary is the test handler (testdata/handler) built by TestMain.
var handlerBinary []byte

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "lambdalocal-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "temp dir:", err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		bin := filepath.Join(dir, "bootstrap")
		cmd := exec.Command(goTool(), "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w", "-o", bin, "./testdata/handler")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "build the test handler: %v\n%s", err, out)
			return 1
		}
		if handlerBinary, err = os.ReadFile(bin); err != nil {
			fmt.Fprintln(os.Stderr, "read the test handler:", err)
			return 1
		}
		return m.Run()
	}()
	os.Exit(code)
}

// goTool finds the go command.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if p := filepath.Join(os.Getenv("GOROOT"), "bin", "go"); fileExists(p) {
		return p
	}
	return "go"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// handlerZip is the test handler as "bootstrap", plus version.txt when
// version is not empty. The executable bit is left out on purpose: zips
// made on some systems lose it and lambda-local must cope.
func handlerZip(t *testing.T, version string) []byte {
	t.Helper()
	entries := []testzip.Entry{{Name: "bootstrap", Data: handlerBinary}}
	if version != "" {
		entries = append(entries, testzip.Entry{Name: "version.txt", Data: []byte(version)})
	}
	return testzip.Build(t, entries...)
}

// testLogger returns a logger writing to t.Log until the test's cleanup
// has run (registered first, so it runs last).
func testLogger(t *testing.T) *slog.Logger {
	w := &testLogWriter{t: t}
	t.Cleanup(w.stop)
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testLogWriter struct {
	mu      sync.Mutex
	t       *testing.T
	stopped bool
}

func (w *testLogWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.stopped {
		w.t.Log(strings.TrimSuffix(string(p), "\n"))
	}
	return len(p), nil
}

func (w *testLogWriter) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopped = true
}

// testServer is a Server serving on a loopback port.
type testServer struct {
	*Server
	url  string
	stop func() error // cancels Serve and returns its error
}

// startServer starts a server on 127.0.0.1:0, stopped at the end of the test.
func startServer(t *testing.T, cfg Config) *testServer {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = testLogger(t)
	}
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	if cfg.ShutdownGrace == 0 {
		cfg.ShutdownGrace = 2 * time.Second
	}
	s, err := New(cfg)
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- s.Serve(ctx, ln) }()
	var once sync.Once
	var serveErr error
	ts := &testServer{Server: s, url: "http://" + ln.Addr().String()}
	ts.stop = func() error {
		once.Do(func() {
			cancel()
			serveErr = <-errc
		})
		return serveErr
	}
	t.Cleanup(func() { require.NoError(t, ts.stop()) })
	return ts
}

// client returns an SDK Lambda client for the server. opts may adjust it
// (e.g. disable retries).
func (ts *testServer) client(opts ...func(*lambda.Options)) *lambda.Client {
	return lambda.New(lambda.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(ts.url),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	}, opts...)
}

// noRetries disables SDK retries.
func noRetries(o *lambda.Options) { o.Retryer = aws.NopRetryer{} }

// deploy registers the test handler under name, with the version and
// configuration given.
func (ts *testServer) deploy(t *testing.T, name, version string, fc FunctionConfig) {
	t.Helper()
	require.NoError(t, ts.Deploy(name, handlerZip(t, version), fc))
}

// invokeResult is a decoded invocation answer.
type invokeResult struct {
	FunctionError string
	Response      handlerResponse
	Error         functionError
	LogResult     string
}

// handlerResponse mirrors the test handler's response.
type handlerResponse struct {
	RequestID     string            `json:"request_id"`
	FunctionARN   string            `json:"function_arn"`
	DeadlineMS    int64             `json:"deadline_ms"`
	PID           int               `json:"pid"`
	CodeVersion   string            `json:"code_version"`
	Env           map[string]string `json:"env"`
	ClientContext map[string]string `json:"client_context"`
	ChildPID      int               `json:"child_pid"`
}

// invoke calls the function synchronously through the SDK and decodes the
// answer into a handler response or a function error.
func invoke(t *testing.T, c *lambda.Client, name string, payload any) invokeResult {
	t.Helper()
	out, err := invokeErr(c, name, payload)
	require.NoError(t, err)
	require.EqualValues(t, http.StatusOK, out.StatusCode)
	require.Equal(t, "$LATEST", aws.ToString(out.ExecutedVersion))
	res := invokeResult{FunctionError: aws.ToString(out.FunctionError), LogResult: aws.ToString(out.LogResult)}
	if res.FunctionError != "" {
		require.NoError(t, json.Unmarshal(out.Payload, &res.Error), "payload %s", out.Payload)
	} else {
		require.NoError(t, json.Unmarshal(out.Payload, &res.Response), "payload %s", out.Payload)
	}
	return res
}

// invokeErr calls the function synchronously and returns the raw outcome.
func invokeErr(c *lambda.Client, name string, payload any) (*lambda.InvokeOutput, error) {
	data, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(name), Payload: data})
}

// waitFor polls cond until it holds, failing the test after 20 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// processGone reports whether pid no longer runs (gone or a zombie).
func processGone(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if errors.Is(err, os.ErrNotExist) {
		return true
	}
	if err != nil {
		return false
	}
	// The state follows the parenthesised command name.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && (s[i+2] == 'Z' || s[i+2] == 'X')
}

// readAll reads and closes a response body.
func readAll(t *testing.T, r io.ReadCloser) string {
	t.Helper()
	defer r.Close()
	b, err := io.ReadAll(r)
	require.NoError(t, err)
	return string(b)
}

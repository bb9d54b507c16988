// Package testservers runs the sample app's real handler in lambda-local
// for integration tests and benchmarks (moto and versitygw are in
// internal/testaws).
package testservers

import (
	"archive/zip"
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
	"github.com/lambda-apps/lambda-apps/internal/lambdalocal"
	"github.com/lambda-apps/lambda-apps/internal/testzip"
)

// RepoRoot is the repository's top folder.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

var (
	buildMu sync.Mutex
	built   = map[string][]byte{}
)

// HandlerZip builds the Go Lambda handler in pkg (relative to the repo
// root, e.g. "./examples/hello") for this machine as `bootstrap` and
// returns a function zip. Builds are cached for the test binary's life.
func HandlerZip(t testing.TB, pkg string) []byte {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	if z, ok := built[pkg]; ok {
		return z
	}
	bin := filepath.Join(t.TempDir(), "bootstrap")
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-o", bin, pkg)
	cmd.Dir = RepoRoot()
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", pkg, err, out)
	}
	exe, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	z := testzip.Build(t, testzip.Entry{Name: "bootstrap", Data: exe, Method: zip.Deflate, Mode: 0o755})
	built[pkg] = z
	return z
}

// Lambda is an in-process lambda-local server.
type Lambda struct {
	*lambdalocal.Server
	URL string
}

// LambdaLocal starts lambda-local on a loopback port for the test.
func LambdaLocal(t testing.TB, cfg lambdalocal.Config) *Lambda {
	t.Helper()
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	srv, err := lambdalocal.New(cfg)
	if err != nil {
		t.Fatalf("lambda-local: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ctx, ln)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Errorf("lambda-local did not stop")
		}
	})
	return &Lambda{Server: srv, URL: "http://" + ln.Addr().String()}
}

// Hello is the sample app (examples/hello) deployed to lambda-local.
type Hello struct {
	Lambda   *Lambda
	Manifest *apps.Manifest
	Function string // its Lambda function name
}

// DeployHello starts lambda-local and deploys the sample app's real
// handler with the given function timeout (seconds).
func DeployHello(t testing.TB, timeout int) *Hello {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(RepoRoot(), "examples", "hello", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := apps.DecodeManifest(data)
	if err != nil {
		t.Fatalf("examples/hello/manifest.json: %v", err)
	}
	fn, err := awsnames.LambdaName(string(m.AppID), string(m.Version), m.AWSLambda.Functions[0].Name)
	if err != nil {
		t.Fatal(err)
	}
	lam := LambdaLocal(t, lambdalocal.Config{})
	if err := lam.Deploy(fn, HandlerZip(t, "./examples/hello"),
		lambdalocal.FunctionConfig{Handler: "bootstrap", Runtime: "provided.al2023", Timeout: timeout}); err != nil {
		t.Fatalf("deploy the sample app to lambda-local: %v", err)
	}
	return &Hello{Lambda: lam, Manifest: m, Function: fn}
}

package testaws

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/lambda-apps/lambda-apps/aws/awsclient"
)

// VersityVersion is the pinned versitygw release (the Makefile's
// VERSITYGW_VERSION builds the same one into the same place).
const VersityVersion = "v1.8.0"

// S3 is a running versitygw: an S3 server that checks request signatures,
// with a POSIX backend in a temporary folder.
type S3 struct {
	URL         string
	Credentials awsclient.Credentials
	stop        func()
}

// Stop ends the server before the test does; safe to call more than once.
func (s *S3) Stop() { s.stop() }

// StartVersity starts versitygw for t (building it once into the tool
// cache when needed) and stops it when t ends.
func StartVersity(t testing.TB) *S3 {
	t.Helper()
	bin := versityBinary(t)
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	s := &S3{
		URL:         fmt.Sprintf("http://127.0.0.1:%d", port),
		Credentials: awsclient.Credentials{AccessKeyID: "AKIAVERSITYTEST00001", SecretAccessKey: "versity-test-secret-key-0000000000000000"},
	}
	cmd := exec.Command(bin, "--access", s.Credentials.AccessKeyID, "--secret", s.Credentials.SecretAccessKey,
		"--port", fmt.Sprintf("127.0.0.1:%d", port), "posix", t.TempDir())
	var logs syncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatalf("testaws: start versitygw: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	var once sync.Once
	s.stop = func() {
		once.Do(func() { killProcessGroup(cmd) })
		<-exited
	}
	t.Cleanup(s.stop)
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.URL)
		if err == nil {
			_ = resp.Body.Close()
			return s
		}
		select {
		case <-exited:
			t.Fatalf("testaws: versitygw exited at start:\n%s", logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("testaws: versitygw did not answer on %s: %v\n%s", s.URL, err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ToolDir is where the project keeps pinned tools (the Makefile's TOOLS).
func ToolDir() string {
	if d := os.Getenv("LAMBDA_APPS_CACHE"); d != "" {
		return filepath.Join(d, "tools")
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, "lambda-apps", "tools")
}

var versityMu sync.Mutex

func versityBinary(t testing.TB) string {
	t.Helper()
	versityMu.Lock()
	defer versityMu.Unlock()
	dir := filepath.Join(ToolDir(), "versitygw-"+VersityVersion)
	bin := filepath.Join(dir, "versitygw")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	t.Logf("testaws: building versitygw %s into %s (first time only, 1-2 minutes)", VersityVersion, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "install", "github.com/versity/versitygw/cmd/versitygw@"+VersityVersion)
	cmd.Env = append(os.Environ(), "GOBIN="+dir, "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("testaws: build versitygw (needs the Go module proxy): %v\n%s", err, out)
	}
	return bin
}

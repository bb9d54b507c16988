// Package testservers starts the real servers that integration tests talk
// to on loopback besides moto (see internal/testaws): versitygw (an S3
// server that checks signatures) and lambda-local running a handler built
// from source. A missing component makes the test fail with what to
// install; it never skips.
package testservers

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// freePort returns a free loopback port.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// syncBuffer collects a process's output for failure messages.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Process is a server process started for a test.
type Process struct {
	URL    string
	cmd    *exec.Cmd
	logs   *syncBuffer
	exited chan struct{}
}

// Stop ends the process (and its children) and waits for it; safe to call
// more than once.
func (p *Process) Stop() {
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.exited
}

// Logs returns what the process printed.
func (p *Process) Logs() string { return p.logs.String() }

// start runs cmd in its own process group, stops it when the test ends,
// and waits until url answers.
func start(t testing.TB, name, url string, cmd *exec.Cmd) *Process {
	t.Helper()
	p := &Process{URL: url, cmd: cmd, logs: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		_ = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(p.Stop)
	exited := p.exited
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			return p
		}
		select {
		case <-exited:
			t.Fatalf("%s exited at start:\n%s", name, p.logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer on %s: %v\n%s", name, url, err, p.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// VersityVersion is the pinned versitygw release.
const VersityVersion = "v1.8.0"

// S3 is a signature-checking S3 server.
type S3 struct {
	*Process
	AccessKey, SecretKey string
}

// Versity starts versitygw (built once into the project's tool cache) with
// a POSIX backend in a temporary folder. Requests must be signed with
// AccessKey/SecretKey.
func Versity(t testing.TB) *S3 {
	t.Helper()
	bin := versityBinary(t)
	root := t.TempDir()
	port := freePort(t)
	s := &S3{AccessKey: "AKIAVERSITYTEST00001", SecretKey: "versity-test-secret-key-0000000000000000"}
	cmd := exec.Command(bin, "--access", s.AccessKey, "--secret", s.SecretKey,
		"--port", fmt.Sprintf("127.0.0.1:%d", port), "posix", root)
	s.Process = start(t, "versitygw", fmt.Sprintf("http://127.0.0.1:%d", port), cmd)
	return s
}

// ToolDir is where the project keeps pinned tools.
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
	t.Logf("building versitygw %s into %s (first time only, about 1-2 minutes)", VersityVersion, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "install", "github.com/versity/versitygw/cmd/versitygw@"+VersityVersion)
	cmd.Env = append(os.Environ(), "GOBIN="+dir, "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build versitygw (needs the Go module proxy): %v\n%s", err, out)
	}
	return bin
}

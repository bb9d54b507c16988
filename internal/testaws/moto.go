// Package testaws runs moto (https://github.com/getmoto/moto), a local
// stand-in for the AWS APIs, for tests: StartMoto starts `python3 -m
// moto.server` on a free loopback port, configures it (managed IAM policies
// loaded, Lambda without Docker) and stops it when the test ends.
//
// moto is part of the development toolchain (pip install 'moto[server]').
// When it is missing the test fails with instructions; it never skips.
package testaws

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lambda-apps/lambda-apps/aws/awsclient"
)

// Fixed values of a moto server.
const (
	// AccountID is moto's default account.
	AccountID = "123456789012"
	// Region is the region the helpers use.
	Region = "us-east-1"
)

// Credentials are accepted by moto (it does not check them). Their values
// are long enough for awsclient.Credentials.Redact to mask them.
var Credentials = awsclient.Credentials{AccessKeyID: "AKIATESTDEPLOYKEY0001", SecretAccessKey: "test-deploy-secret-0001"}

// startTimeout bounds the wait for moto to answer (loading the managed IAM
// policies makes the first start slow).
const startTimeout = 90 * time.Second

// Moto is a running moto server.
type Moto struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:40123.
	URL  string
	stop func()
}

// Stop ends the server before the test does (to test an outage); it is
// safe to call more than once.
func (m *Moto) Stop() { m.stop() }

// StartMoto starts a moto server for t and stops it when t ends.
func StartMoto(t testing.TB) *Moto {
	t.Helper()
	requireMoto(t)
	var lastErr error
	for range 3 {
		m, err := start(t)
		if err == nil {
			return m
		}
		lastErr = err // Most likely the free port was taken meanwhile.
	}
	t.Fatalf("testaws: could not start moto: %v", lastErr)
	return nil
}

var (
	checkOnce sync.Once
	checkErr  error
)

// requireMoto fails t when moto cannot be imported.
func requireMoto(t testing.TB) {
	t.Helper()
	checkOnce.Do(func() {
		out, err := exec.Command("python3", "-c", "import moto.server").CombinedOutput()
		if err != nil {
			checkErr = fmt.Errorf("`python3 -c 'import moto.server'` failed: %w\n%s", err, out)
		}
	})
	if checkErr != nil {
		t.Fatalf("testaws: moto is required for this test and is not installed: %v\n"+
			"Install it with: pip install 'moto[server]==5.2.1'  (this test does not skip)", checkErr)
	}
}

// start runs one moto process.
func start(t testing.TB) (*Moto, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	var logs syncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start moto: %w", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	var once sync.Once
	stop := func() {
		once.Do(func() { killProcessGroup(cmd) })
		<-exited
	}

	m := &Moto{URL: fmt.Sprintf("http://127.0.0.1:%d", port), stop: stop}
	if err := waitReady(m.URL, exited); err != nil {
		stop()
		return nil, fmt.Errorf("%w\nmoto output:\n%s", err, logs.String())
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("moto output (last 4 KiB):\n%s", tail(logs.String(), 4096))
		}
	})
	if err := m.configure(); err != nil {
		t.Fatalf("testaws: %v", err)
	}
	return m, nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	return port, ln.Close()
}

// waitReady polls moto until it answers or exits.
func waitReady(url string, exited <-chan struct{}) error {
	deadline := time.Now().Add(startTimeout)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		resp, err := client.Get(url + "/moto-api/")
		if err == nil {
			_ = resp.Body.Close()
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("moto exited at start")
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("moto did not answer on %s within %s: %w", url, startTimeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// configure switches Lambda to run without Docker: functions are stored but
// not executed.
func (m *Moto) configure() error {
	return m.post("/moto-api/config", `{"lambda":{"use_docker":false}}`)
}

// Reset drops every resource moto holds.
func (m *Moto) Reset(t testing.TB) {
	t.Helper()
	if err := m.post("/moto-api/reset", ""); err != nil {
		t.Fatalf("testaws: %v", err)
	}
	if err := m.configure(); err != nil {
		t.Fatalf("testaws: %v", err)
	}
}

func (m *Moto) post(path, body string) error {
	resp, err := http.Post(m.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		return fmt.Errorf("moto %s: %w", path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("moto %s: status %d", path, resp.StatusCode)
	}
	return nil
}

// Endpoints points every AWS service at moto.
func (m *Moto) Endpoints() awsclient.Endpoints {
	return awsclient.Endpoints{Default: m.URL}
}

// Clients returns AWS clients for moto with Credentials in Region.
func (m *Moto) Clients() *awsclient.Clients {
	return awsclient.New(awsclient.Options{Region: Region, Credentials: Credentials, Endpoints: m.Endpoints()})
}

// Env returns the environment variables that point AWS SDK clients at moto.
func (m *Moto) Env() map[string]string {
	return map[string]string{"AWS_ENDPOINT_URL": m.URL}
}

// syncBuffer is a bytes.Buffer safe for the process's concurrent writes.
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

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

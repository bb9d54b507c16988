package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/appsctl/bundle"
	"github.com/lambda-apps/lambda-apps/aws/awsclient"
	"github.com/lambda-apps/lambda-apps/aws/lambdainvoke"
	"github.com/lambda-apps/lambda-apps/internal/lambdalocal"
	"github.com/lambda-apps/lambda-apps/internal/testaws"
	"github.com/lambda-apps/lambda-apps/internal/testservers"
	"github.com/lambda-apps/lambda-apps/internal/testzip"
)

const (
	helloApp    = "hello-lambda"
	helloLambda = "hello-lambda_0-1-0_hello"
)

// lockedBuffer collects lambda-local's logs.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// go1xStack is moto with lambda-local in front of its Lambda API, so that
// deployed functions really run, and init done.
type go1xStack struct {
	env    map[string]string
	check  *checker
	lambda *testservers.Lambda
	logs   *lockedBuffer
}

func newGo1xStack(t *testing.T) *go1xStack {
	t.Helper()
	m := testaws.StartMoto(t)
	logs := &lockedBuffer{}
	lam := testservers.LambdaLocal(t, lambdalocal.Config{Fallback: m.URL, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	s := &go1xStack{
		env:   merge(awsEnv(m, testaws.Region), map[string]string{"AWS_ENDPOINT_URL_LAMBDA": lam.URL}),
		check: newChecker(t, m, testaws.Region), lambda: lam, logs: logs,
	}
	t.Cleanup(func() {
		assert.NotContains(t, logs.String(), "could not apply", "lambda-local applied every deploy call")
		if t.Failed() {
			t.Logf("lambda-local logs:\n%s", logs.String())
		}
	})
	require.Equal(t, exitOK, runCLI(t, s.env, "aws", "init", "--create").code)
	return s
}

// hostArchitecture is the Lambda architecture of binaries built for this
// machine.
func hostArchitecture() string {
	if runtime.GOARCH == "arm64" {
		return "arm64"
	}
	return "x86_64"
}

// helloBinary is the sample app's handler executable, built for this
// machine.
func helloBinary(t *testing.T) []byte {
	t.Helper()
	files := readZip(t, testservers.HandlerZip(t, "./examples/hello"))
	require.Contains(t, files, "bootstrap")
	return files["bootstrap"]
}

func readZip(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "package.zip")
	require.NoError(t, os.WriteFile(path, data, 0o644))
	return readBundle(t, path)
}

// legacyHelloBundle is the sample app as the old framework shipped Go
// apps: runtime go1.x, handler "hello", and a function package holding the
// binary named hello (no bootstrap), plus the extra files (stored, and the
// package is stored in the bundle, so that large random files cost no
// compression time).
func legacyHelloBundle(t *testing.T, extra map[string][]byte) (string, []byte) {
	t.Helper()
	app := filepath.Join(testservers.RepoRoot(), "examples", "hello")
	raw, err := os.ReadFile(filepath.Join(app, "manifest.json"))
	require.NoError(t, err)
	var manifest map[string]any
	require.NoError(t, json.Unmarshal(raw, &manifest))
	fn := manifest["aws_lambda"].(map[string]any)["functions"].([]any)[0].(map[string]any)
	fn["runtime"], fn["handler"] = "go1.x", "hello"
	data, err := json.MarshalIndent(manifest, "", "  ")
	require.NoError(t, err)

	files := []testzip.Entry{{Name: "hello", Data: helloBinary(t), Method: zip.Deflate, Mode: 0o755}}
	for name, content := range extra {
		files = append(files, testzip.Entry{Name: name, Data: content, Method: zip.Store, Mode: 0o644})
	}
	icon, err := os.ReadFile(filepath.Join(app, "static", "icon.png"))
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "bundle.zip")
	require.NoError(t, os.WriteFile(path, testzip.Build(t,
		testzip.Entry{Name: "manifest.json", Data: data, Method: zip.Deflate, Mode: 0o644},
		testzip.Entry{Name: "hello.zip", Data: testzip.Build(t, files...), Method: zip.Store, Mode: 0o644},
		testzip.Entry{Name: "static/icon.png", Data: icon, Method: zip.Store, Mode: 0o644},
	), 0o644))
	return path, data
}

// greet calls the deployed app's /greet through lambda-local.
func (s *go1xStack) greet(t *testing.T, name string) string {
	t.Helper()
	clients := awsclient.New(awsclient.Options{Region: testaws.Region, Credentials: testaws.Credentials,
		Endpoints: awsclient.Endpoints{Lambda: s.lambda.URL}})
	inv := lambdainvoke.New(clients.Lambda(lambdainvoke.ClientOptions), lambdainvoke.Options{})
	req, err := json.Marshal(apps.CallRequest{Call: apps.Call{Path: "/greet"}, Values: map[string]any{"name": name},
		Context: apps.Context{AppID: helloApp}})
	require.NoError(t, err)
	body, err := inv.Call(context.Background(), helloLambda, "/greet", req)
	require.NoError(t, err)
	resp, err := apps.DecodeCallResponse(body)
	require.NoError(t, err)
	return resp.Text
}

// assertRuns pings the app as `appsctl aws test lambda` does and greets.
func (s *go1xStack) assertRuns(t *testing.T) {
	t.Helper()
	res := runCLI(t, s.env, "aws", "test", "lambda", "--app", helloApp)
	require.Equal(t, exitOK, res.code)
	assert.Contains(t, res.out, "OK "+helloApp+" 0.1.0: function "+helloLambda)
	assert.Equal(t, "Hello, Ada!", s.greet(t, "Ada"))
}

// assertConfig checks the function's runtime, handler and architecture.
func (s *go1xStack) assertConfig(t *testing.T, runtime, handler, arch string) {
	t.Helper()
	fn := s.check.function(helloLambda)
	require.NotNil(t, fn)
	cfg := fn.Configuration
	assert.Equal(t, runtime, string(cfg.Runtime))
	assert.Equal(t, handler, aws.ToString(cfg.Handler))
	require.Len(t, cfg.Architectures, 1)
	assert.Equal(t, arch, string(cfg.Architectures[0]))
}

// TestDeployMigratesGo1x deploys a go1.x Go app: it must come out as
// provided.al2023 with a bootstrap, and run.
func TestDeployMigratesGo1x(t *testing.T) {
	s := newGo1xStack(t)
	path, manifest := legacyHelloBundle(t, map[string][]byte{"templates/greeting.txt": []byte("Hello, {{name}}!")})
	arch := hostArchitecture()
	other := "arm64"
	if arch == "arm64" {
		other = "x86_64"
	}

	t.Run("validate says the function will be migrated", func(t *testing.T) {
		res := runCLI(t, nil, "aws", "validate", path)
		require.Equal(t, exitOK, res.code)
		assert.Contains(t, res.errOut, `function "hello" uses runtime go1.x, which AWS Lambda no longer accepts; deploy migrates it to provided.al2023 (bootstrap = hello, `+arch+")")
		res = runCLI(t, nil, "aws", "validate", "--keep-runtime", path)
		require.Equal(t, exitOK, res.code)
		assert.Contains(t, res.errOut, "--keep-runtime: it is deployed as go1.x")
	})

	t.Run("deploy creates it as provided.al2023 with bootstrap", func(t *testing.T) {
		res := runCLI(t, s.env, "aws", "deploy", path, "--architecture", other)
		require.Equal(t, exitOK, res.code)
		assert.Contains(t, res.out, `function "hello": go1.x -> provided.al2023 (bootstrap = hello, `+arch+"): AWS Lambda no longer accepts go1.x")
		assert.Contains(t, res.out, "it is deployed as "+arch+", not as --architecture "+other)
		assert.Contains(t, res.out, "created function "+helloLambda+" (provided.al2023, handler bootstrap)")
		s.assertConfig(t, "provided.al2023", "bootstrap", arch)
		s.assertRuns(t)
		_, got := s.check.object("manifests/hello-lambda_0.1.0.json")
		assert.Equal(t, manifest, got, "the manifest is uploaded unchanged, go1.x and all")
	})

	t.Run("--update --keep-runtime keeps go1.x", func(t *testing.T) {
		res := runCLI(t, s.env, "aws", "deploy", path, "--update", "--keep-runtime")
		require.Equal(t, exitOK, res.code)
		assert.NotContains(t, res.out, "-> provided.al2023")
		assert.Contains(t, res.errOut, "--keep-runtime: it is deployed as go1.x")
		assert.Contains(t, res.out, "updated function "+helloLambda+" (go1.x, handler hello)")
		s.assertConfig(t, "go1.x", "hello", "x86_64")
		s.assertRuns(t) // lambda-local still runs go1.x handlers
	})

	t.Run("--update migrates an existing go1.x function", func(t *testing.T) {
		res := runCLI(t, s.env, "aws", "deploy", path, "--update")
		require.Equal(t, exitOK, res.code)
		assert.Contains(t, res.out, "runs on go1.x, whose code AWS Lambda no longer updates: switching it to provided.al2023 before replacing its code")
		assert.Contains(t, res.out, "updated function "+helloLambda+" (provided.al2023, handler bootstrap)")
		s.assertConfig(t, "provided.al2023", "bootstrap", arch)
		s.assertRuns(t)
	})
}

// TestDeployMigratesLargeGo1xThroughS3 migrates a go1.x package over the
// direct-upload limit: the migrated package goes through the bucket.
func TestDeployMigratesLargeGo1xThroughS3(t *testing.T) {
	s := newGo1xStack(t)
	big := make([]byte, bundle.MaxDirectUploadSize)
	_, err := rand.Read(big) // incompressible
	require.NoError(t, err)
	path, _ := legacyHelloBundle(t, map[string][]byte{"data.bin": big})

	res := runCLI(t, s.env, "aws", "deploy", path)
	require.Equal(t, exitOK, res.code)
	const key = "functions/hello-lambda_0.1.0/" + helloLambda + ".zip"
	assert.Contains(t, res.out, `migrated package of function "hello" to s3://`+testBucket+"/"+key)
	s.assertConfig(t, "provided.al2023", "bootstrap", hostArchitecture())
	s.assertRuns(t)

	ct, data := s.check.object(key)
	assert.Equal(t, "application/zip", ct)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	modes := map[string]os.FileMode{}
	var boot []byte
	for _, f := range zr.File {
		modes[f.Name] = f.Mode()
		if f.Name == "bootstrap" {
			rc, err := f.Open()
			require.NoError(t, err)
			boot, err = io.ReadAll(rc)
			require.NoError(t, err)
			require.NoError(t, rc.Close())
		}
	}
	assert.Equal(t, map[string]os.FileMode{"hello": 0o755, "data.bin": 0o644, "bootstrap": 0o755}, modes)
	assert.Equal(t, helloBinary(t), boot)
}

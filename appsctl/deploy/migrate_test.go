package deploy

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/appsctl/bundle"
	"github.com/lambda-apps/lambda-apps/appsctl/gomigrate"
	"github.com/lambda-apps/lambda-apps/appsctl/report"
	"github.com/lambda-apps/lambda-apps/internal/testzip"
)

// plainBinary builds a Go program without aws-lambda-go for linux/amd64.
func plainBinary(t *testing.T) []byte {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module plain\n\ngo 1.21\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644))
	cmd := exec.Command("go", "build", "-o", "app", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	data, err := os.ReadFile(filepath.Join(dir, "app"))
	require.NoError(t, err)
	return data
}

// goBundle writes a bundle with a migratable go1.x function "migrate", a
// go1.x function "stub" without its binary and a nodejs function.
func goBundle(t *testing.T, bin []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bundle.zip")
	require.NoError(t, os.WriteFile(path, testzip.Files(t, map[string][]byte{
		"manifest.json": []byte(`{"app_id":"go.app","version":"1.0.0","display_name":"Go","homepage_url":"https://example.com",
			"aws_lambda":{"functions":[{"path":"/","name":"migrate","handler":"app","runtime":"go1.x"},
			{"path":"/stub","name":"stub","handler":"app","runtime":"go1.x"},
			{"path":"/js","name":"node","handler":"index.handler","runtime":"nodejs14.x"}]}}`),
		"migrate.zip": testzip.Files(t, map[string][]byte{"app": bin, "config.json": []byte("{}")}),
		"stub.zip":    testzip.Files(t, map[string][]byte{"manifest.json": []byte("{}")}),
		"node.zip":    testzip.Files(t, map[string][]byte{"index.js": []byte("exports.handler = 1")}),
	}), 0o644))
	return path
}

func TestOpenBundleMigrations(t *testing.T) {
	path := goBundle(t, plainBinary(t))
	tests := []struct {
		name        string
		keepRuntime bool
		want        map[string]gomigrate.Outcome
		warnings    []string
	}{
		{name: "migrate", want: map[string]gomigrate.Outcome{"migrate": gomigrate.Migratable, "stub": gomigrate.Unsuitable}, warnings: []string{
			`function "migrate" uses runtime go1.x, which AWS Lambda no longer accepts; deploy migrates it to provided.al2023 (bootstrap = app, x86_64); ` +
				"its Go build information does not list github.com/aws/aws-lambda-go",
			`function "stub" uses runtime go1.x, which AWS Lambda has deprecated and may refuse; it is not migrated to provided.al2023 ` +
				`(the package has no file named "app"), so it is deployed as go1.x`,
			`function "node": runtime nodejs14.x is no longer accepted by AWS Lambda`,
		}},
		{name: "keep runtime", keepRuntime: true, want: map[string]gomigrate.Outcome{}, warnings: []string{
			`function "migrate" uses runtime go1.x, which AWS Lambda has deprecated and may refuse; --keep-runtime: it is deployed as go1.x`,
			`function "stub" uses runtime go1.x, which AWS Lambda has deprecated and may refuse; --keep-runtime`,
			`function "node": runtime nodejs14.x is no longer accepted by AWS Lambda (deprecated since Dec 4, 2023; ` +
				"new functions blocked since Jan 9, 2024; updates blocked since Feb 8, 2024); --keep-runtime: it is deployed as nodejs14.x",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opened, err := OpenBundleAt(path, tt.keepRuntime, testNow)
			require.NoError(t, err)
			defer opened.Close()
			got := map[string]gomigrate.Outcome{}
			for name, plan := range opened.Migrations {
				got[name] = plan.Outcome
			}
			assert.Equal(t, tt.want, got)
			require.Len(t, opened.Warnings, len(tt.warnings), "%q", opened.Warnings)
			for i, w := range tt.warnings {
				assert.Contains(t, opened.Warnings[i], w)
			}
		})
	}
}

func TestGoWarning(t *testing.T) {
	tests := []struct {
		name string
		plan gomigrate.Plan
		want []string
	}{
		{name: "migrated", plan: gomigrate.Plan{Outcome: gomigrate.Migratable, Handler: "h", Architecture: "arm64", LambdaGo: "v1.34.1"},
			want: []string{`function "f" uses runtime go1.x, which AWS Lambda no longer accepts; deploy migrates it to provided.al2023 (bootstrap = h, arm64)`}},
		{name: "aws-lambda-go too old", plan: gomigrate.Plan{Outcome: gomigrate.RPCOnly, Handler: "h", Architecture: "x86_64", LambdaGo: "v1.13.3",
			Reason: `"h" is built with github.com/aws/aws-lambda-go v1.13.3, which speaks only the go1.x RPC protocol`},
			want: []string{`function "f" cannot be migrated to provided.al2023`, "v1.13.3", "It is deployed as go1.x",
				"rebuild it with github.com/aws/aws-lambda-go v1.18.0 or later"}},
		{name: "no binary", plan: gomigrate.Plan{Outcome: gomigrate.Unsuitable, Handler: "h", Reason: `the package has no file named "h"`},
			want: []string{"which AWS Lambda has deprecated", `(the package has no file named "h"), so it is deployed as go1.x`}},
		{name: "kept", want: []string{"which AWS Lambda has deprecated", "--keep-runtime: it is deployed as go1.x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := goWarning("f", tt.plan)
			for _, w := range tt.want {
				assert.Contains(t, got, w)
			}
		})
	}
}

func TestTarget(t *testing.T) {
	bin := plainBinary(t)
	opened, err := OpenBundleAt(goBundle(t, bin), false, testNow)
	require.NoError(t, err)
	defer opened.Close()
	fns := map[string]*bundle.FunctionPackage{}
	for _, fp := range opened.Bundle.Functions() {
		fns[fp.Function.Name] = fp
	}
	var out bytes.Buffer
	d := &deployer{o: Options{Architecture: "arm64"}, p: report.New(&out, io.Discard, report.Options{}), migrations: opened.Migrations}

	tests := []struct {
		name, fn, runtime, handler, arch string
		migrated                         bool
		printed                          []string
	}{
		{name: "migrated, with the binary's architecture", fn: "migrate", runtime: "provided.al2023", handler: "bootstrap", arch: "x86_64", migrated: true,
			printed: []string{
				`function "migrate": go1.x -> provided.al2023 (bootstrap = app, x86_64): AWS Lambda no longer accepts go1.x`,
				`function "migrate": its Go build information does not list github.com/aws/aws-lambda-go`,
				`function "migrate": its binary is built for x86_64, so it is deployed as x86_64, not as --architecture arm64`,
			}},
		{name: "stub kept", fn: "stub", runtime: "go1.x", handler: "app", arch: "arm64"},
		{name: "other runtime", fn: "node", runtime: "nodejs14.x", handler: "index.handler", arch: "arm64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out.Reset()
			tg, cleanup, err := d.target(fns[tt.fn])
			require.NoError(t, err)
			assert.Equal(t, tt.runtime, tg.runtime)
			assert.Equal(t, tt.handler, tg.handler)
			assert.Equal(t, tt.arch, tg.arch)
			if !tt.migrated {
				assert.Empty(t, tg.migrated)
				assert.Empty(t, out.String())
				cleanup()
				return
			}
			for _, s := range tt.printed {
				assert.Contains(t, out.String(), s)
			}
			zr, err := zip.OpenReader(tg.migrated)
			require.NoError(t, err)
			names := map[string]os.FileMode{}
			for _, f := range zr.File {
				names[f.Name] = f.Mode()
			}
			require.NoError(t, zr.Close())
			assert.Contains(t, names, "app")
			assert.Contains(t, names, "config.json")
			assert.Equal(t, os.FileMode(0o755), names["bootstrap"])
			info, err := os.Stat(tg.migrated)
			require.NoError(t, err)
			assert.Equal(t, info.Size(), tg.size)
			cleanup()
			_, err = os.Stat(tg.migrated)
			assert.True(t, os.IsNotExist(err), "cleanup removes the migrated package")
		})
	}
}

package deploy

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/appsctl/bundle"
	"github.com/lambda-apps/lambda-apps/appsctl/report"
	"github.com/lambda-apps/lambda-apps/internal/testzip"
)

// testNow is the day the runtime calendar was read.
var testNow = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// nodeBundle writes a bundle with a nodejs16.x function "node", a
// python3.8 function "py" and a current function "cur".
func nodeBundle(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bundle.zip")
	require.NoError(t, os.WriteFile(path, testzip.Files(t, map[string][]byte{
		"manifest.json": []byte(`{"app_id":"node.app","version":"1.0.0","display_name":"Node","homepage_url":"https://example.com",
			"aws_lambda":{"functions":[{"path":"/","name":"node","handler":"index.handler","runtime":"nodejs16.x"},
			{"path":"/py","name":"py","handler":"app.handler","runtime":"python3.8"},
			{"path":"/cur","name":"cur","handler":"bootstrap","runtime":"provided.al2023"}]}}`),
		"node.zip": testzip.Files(t, map[string][]byte{"index.js": []byte("exports.handler = async () => ({})")}),
		"py.zip":   testzip.Files(t, map[string][]byte{"app.py": []byte("def handler(e, c): return {}")}),
		"cur.zip":  testzip.Files(t, map[string][]byte{"bootstrap": []byte("#!/bin/sh")}),
	}), 0o644))
	return path
}

// withMigration turns migrateRuntimes on for the test.
func withMigration(t *testing.T) {
	t.Helper()
	saved := migrateRuntimes
	migrateRuntimes = true
	t.Cleanup(func() { migrateRuntimes = saved })
}

func at(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestOpenBundleRuntimes(t *testing.T) {
	withMigration(t)
	path := nodeBundle(t)
	tests := []struct {
		name     string
		now      string
		keep     bool
		targets  map[string]string // function -> deployed runtime, for those with a decision
		warnings []string
	}{
		{name: "before deprecation", now: "2024-01-01", targets: map[string]string{}},
		{name: "deprecated, still accepted", now: "2026-11-30", targets: map[string]string{"node": "nodejs16.x", "py": "python3.8"}, warnings: []string{
			`function "node": runtime nodejs16.x is deprecated by AWS Lambda (deprecated since Jun 12, 2024; new functions blocked from Feb 1, 2027; updates blocked from Mar 3, 2027); it is deployed as nodejs16.x; move it to nodejs18.x or later`,
			`function "py": runtime python3.8 is deprecated by AWS Lambda (deprecated since Oct 14, 2024;`,
		}},
		{name: "between block-create and block-update", now: "2027-02-15", targets: map[string]string{"node": "nodejs22.x", "py": "python3.8"}, warnings: []string{
			`function "node": runtime nodejs16.x is no longer accepted by AWS Lambda (deprecated since Jun 12, 2024; new functions blocked since Feb 1, 2027; updates blocked from Mar 3, 2027); deploying it on nodejs22.x`,
			`function "py": runtime python3.8 is no longer accepted by AWS Lambda`,
		}},
		{name: "after block-update", now: "2027-04-01", targets: map[string]string{"node": "nodejs22.x", "py": "python3.8"}, warnings: []string{
			"updates blocked since Mar 3, 2027); deploying it on nodejs22.x (the oldest Node.js runtime AWS accepts; same handler) — re-test the app on it; --keep-runtime keeps nodejs16.x",
			"it is deployed as python3.8, which AWS Lambda refuses to create or update; move it to python3.11 or later (deploy does not migrate it",
		}},
		{name: "after block-update, --keep-runtime", now: "2027-04-01", keep: true, targets: map[string]string{"node": "nodejs16.x", "py": "python3.8"}, warnings: []string{
			"--keep-runtime: it is deployed as nodejs16.x, which AWS Lambda refuses to create or update; without --keep-runtime deploy uses nodejs22.x",
			`function "py": runtime python3.8 is no longer accepted`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opened, err := OpenBundleAt(path, tt.keep, at(tt.now))
			require.NoError(t, err)
			defer opened.Close()
			got := map[string]string{}
			for name, d := range opened.Runtimes {
				got[name] = d.Target
			}
			assert.Equal(t, tt.targets, got)
			require.Len(t, opened.Warnings, len(tt.warnings), "%q", opened.Warnings)
			for i, w := range tt.warnings {
				assert.Contains(t, opened.Warnings[i], w)
			}
		})
	}
}

func TestOpenBundleRuntimesMigrationOff(t *testing.T) {
	saved := migrateRuntimes
	migrateRuntimes = false
	t.Cleanup(func() { migrateRuntimes = saved })
	opened, err := OpenBundleAt(nodeBundle(t), false, at("2027-04-01"))
	require.NoError(t, err)
	defer opened.Close()
	assert.Equal(t, "nodejs16.x", opened.Runtimes["node"].Target)
	assert.Contains(t, opened.Warnings[0], "it is deployed as nodejs16.x, which AWS Lambda refuses to create or update; move it to nodejs22.x or later")
}

func TestTargetNodeMigration(t *testing.T) {
	withMigration(t)
	now := at("2027-04-01")
	opened, err := OpenBundleAt(nodeBundle(t), false, now)
	require.NoError(t, err)
	defer opened.Close()
	fns := map[string]*bundle.FunctionPackage{}
	for _, fp := range opened.Bundle.Functions() {
		fns[fp.Function.Name] = fp
	}
	var out bytes.Buffer
	d := &deployer{o: Options{Architecture: "arm64"}, p: report.New(&out, io.Discard, report.Options{}),
		migrations: opened.Migrations, runtimes: opened.Runtimes, now: now}
	tests := []struct {
		fn, runtime, handler, printed string
	}{
		{fn: "node", runtime: "nodejs22.x", handler: "index.handler", printed: `function "node": runtime nodejs16.x is no longer accepted by AWS Lambda ` +
			"(deprecated since Jun 12, 2024; new functions blocked since Feb 1, 2027; updates blocked since Mar 3, 2027); " +
			"deploying it on nodejs22.x (the oldest Node.js runtime AWS accepts; same handler) — re-test the app on it; --keep-runtime keeps nodejs16.x\n"},
		{fn: "py", runtime: "python3.8", handler: "app.handler"},
		{fn: "cur", runtime: "provided.al2023", handler: "bootstrap"},
	}
	for _, tt := range tests {
		t.Run(tt.fn, func(t *testing.T) {
			out.Reset()
			tg, cleanup, err := d.target(fns[tt.fn])
			require.NoError(t, err)
			defer cleanup()
			assert.Equal(t, tt.runtime, tg.runtime)
			assert.Equal(t, tt.handler, tg.handler, "Node.js handlers are kept")
			assert.Equal(t, "arm64", tg.arch)
			assert.Empty(t, tg.migrated, "the package is deployed as it is")
			assert.Equal(t, tt.printed, out.String())
		})
	}
}

func TestWithDefaultsNow(t *testing.T) {
	before := time.Now()
	o := Options{}.withDefaults()
	assert.False(t, o.Now.Before(before))
	fixed := Options{Now: testNow}.withDefaults()
	assert.Equal(t, testNow, fixed.Now)
}

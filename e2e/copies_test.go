//go:build e2e

package e2e

import (
	"archive/zip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// deployHelloAs deploys and installs a copy of the sample app under another
// ID (its bundle's manifest rewritten): a second app with functions of its
// own, for tests and measurements that need several apps.
func deployHelloAs(t *testing.T, appID, displayName string, edits ...func(manifest map[string]any)) {
	t.Helper()
	src, err := zip.OpenReader(helloBundle)
	require.NoError(t, err)
	defer src.Close()
	path := filepath.Join(t.TempDir(), appID+".zip")
	f, err := os.Create(path)
	require.NoError(t, err)
	w := zip.NewWriter(f)
	for _, e := range src.File {
		r, err := e.Open()
		require.NoError(t, err)
		data, err := io.ReadAll(r)
		require.NoError(t, err)
		require.NoError(t, r.Close())
		if e.Name == "manifest.json" {
			var m map[string]any
			require.NoError(t, json.Unmarshal(data, &m))
			m["app_id"], m["display_name"] = appID, displayName
			for _, edit := range edits {
				edit(m)
			}
			data, err = json.Marshal(m)
			require.NoError(t, err)
		}
		out, err := w.CreateHeader(&zip.FileHeader{Name: e.Name, Method: zip.Deflate, Modified: e.Modified})
		require.NoError(t, err)
		_, err = out.Write(data)
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	require.NoError(t, f.Close())
	out, err := appsctl(t, "aws", "deploy", path, "--install", "--grant", "--timeout", "5")
	require.NoError(t, err, "deploy %s: %s", appID, out)
}

package main

import (
	"archive/zip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/internal/testzip"
)

// writeBundle writes a zip with the given entries to a temporary file.
func writeBundle(t *testing.T, entries map[string][]byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bundle.zip")
	require.NoError(t, os.WriteFile(path, testzip.Files(t, entries), 0o600))
	return path
}

// readBundle returns the entries of a zip (files only).
func readBundle(t *testing.T, path string) map[string][]byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	require.NoError(t, err)
	defer zr.Close()
	out := map[string][]byte{}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		require.NoError(t, err)
		data, err := io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		out[f.Name] = data
	}
	return out
}

// innerZip builds a function package holding one file.
func innerZip(t *testing.T, name, content string) []byte {
	t.Helper()
	path := writeBundle(t, map[string][]byte{name: []byte(content)})
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}

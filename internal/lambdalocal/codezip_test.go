package lambdalocal

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/internal/testzip"
)

func TestExtractZip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		entries []testzip.Entry
		wantErr bool
		check   func(t *testing.T, dir string)
	}{
		{
			name: "files, folders and modes",
			entries: []testzip.Entry{
				{Name: "bootstrap", Data: []byte("#!/bin/sh\n"), Mode: 0o755},
				{Name: "static/", Mode: os.ModeDir | 0o755},
				{Name: "static/img/logo.png", Data: []byte("png")},
				{Name: "./lib/a.txt", Data: []byte("a")},
			},
			check: func(t *testing.T, dir string) {
				info, err := os.Stat(filepath.Join(dir, "bootstrap"))
				require.NoError(t, err)
				assert.NotZero(t, info.Mode()&0o100, "executable bit kept")
				assert.FileExists(t, filepath.Join(dir, "static", "img", "logo.png"))
				assert.FileExists(t, filepath.Join(dir, "lib", "a.txt"))
			},
		},
		{
			name:    "relative link inside",
			entries: []testzip.Entry{{Name: "real.txt", Data: []byte("x")}, {Name: "link.txt", Data: []byte("real.txt"), Mode: os.ModeSymlink | 0o777}},
			check: func(t *testing.T, dir string) {
				b, err := os.ReadFile(filepath.Join(dir, "link.txt"))
				require.NoError(t, err)
				assert.Equal(t, "x", string(b))
			},
		},
		{name: "parent traversal", entries: []testzip.Entry{{Name: "../evil", Data: []byte("x")}}, wantErr: true},
		{name: "nested traversal", entries: []testzip.Entry{{Name: "a/../../evil", Data: []byte("x")}}, wantErr: true},
		{name: "absolute name", entries: []testzip.Entry{{Name: "/etc/evil", Data: []byte("x")}}, wantErr: true},
		{name: "backslash traversal", entries: []testzip.Entry{{Name: `..\evil`, Data: []byte("x")}}, wantErr: true},
		{name: "link outside", entries: []testzip.Entry{{Name: "l", Data: []byte("../../etc/passwd"), Mode: os.ModeSymlink | 0o777}}, wantErr: true},
		{name: "absolute link", entries: []testzip.Entry{{Name: "l", Data: []byte("/etc/passwd"), Mode: os.ModeSymlink | 0o777}}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "code")
			require.NoError(t, os.Mkdir(dir, 0o755))
			err := extractZip(testzip.Build(t, tt.entries...), dir)
			if tt.wantErr {
				require.ErrorIs(t, err, errBadZip)
				assert.NoFileExists(t, filepath.Join(root, "evil"))
				return
			}
			require.NoError(t, err)
			tt.check(t, dir)
		})
	}
	t.Run("not a zip", func(t *testing.T) {
		require.ErrorIs(t, extractZip([]byte("nope"), t.TempDir()), errBadZip)
	})
}

func TestFindExecutable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		files   []string
		cfg     FunctionConfig
		want    string
		wantErr bool
	}{
		{name: "provided bootstrap", files: []string{"bootstrap"}, cfg: FunctionConfig{Runtime: "provided.al2023", Handler: "x"}, want: "bootstrap"},
		{name: "go1.x handler", files: []string{"hello", "bootstrap"}, cfg: FunctionConfig{Runtime: "go1.x", Handler: "hello"}, want: "hello"},
		{name: "go1.x falls back to bootstrap", files: []string{"bootstrap"}, cfg: FunctionConfig{Runtime: "go1.x", Handler: "missing"}, want: "bootstrap"},
		{name: "go1.x handler may not climb", files: []string{"bootstrap"}, cfg: FunctionConfig{Runtime: "go1.x", Handler: "../bootstrap"}, want: "bootstrap"},
		{name: "custom runtime with bootstrap", files: []string{"bootstrap"}, cfg: FunctionConfig{Runtime: "nodejs20.x"}, want: "bootstrap"},
		{name: "provided without bootstrap", files: []string{"main"}, cfg: FunctionConfig{Runtime: "provided.al2"}, wantErr: true},
		{name: "python", files: []string{"index.py"}, cfg: FunctionConfig{Runtime: "python3.12", Handler: "index.handler"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.files {
				require.NoError(t, os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o644))
			}
			got, err := findExecutable(dir, tt.cfg)
			if tt.wantErr {
				var ep *entrypointError
				require.ErrorAs(t, err, &ep)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, filepath.Join(dir, tt.want), got)
			info, err := os.Stat(got)
			require.NoError(t, err)
			assert.NotZero(t, info.Mode()&0o100, "made executable")
		})
	}
}

package lambdalocal

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/internal/testzip"
)

// link is a symbolic link entry to target.
func link(name, target string) testzip.Entry {
	return testzip.Entry{Name: name, Data: []byte(target), Mode: os.ModeSymlink | 0o777}
}

func TestExtractZip(t *testing.T) {
	t.Parallel()
	readsAs := func(name, want string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
			require.NoError(t, err)
			assert.Equal(t, want, string(b))
		}
	}
	tests := []struct {
		name    string
		entries []testzip.Entry
		wantErr string // substring of the error; "" for success
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
			entries: []testzip.Entry{{Name: "real.txt", Data: []byte("x")}, link("link.txt", "real.txt")},
			check:   readsAs("link.txt", "x"),
		},
		{
			name:    "link in a folder to a file in another",
			entries: []testzip.Entry{{Name: "a/real.txt", Data: []byte("x")}, link("b/c/link.txt", "../../a/real.txt")},
			check:   readsAs("b/c/link.txt", "x"),
		},
		{
			name:    "chain of links staying inside",
			entries: []testzip.Entry{link("a", "b"), link("b", "sub/c"), {Name: "sub/c", Data: []byte("end")}},
			check:   readsAs("a", "end"),
		},
		{
			name: "chain through a link to a folder and '..' staying inside",
			entries: []testzip.Entry{
				{Name: "sub/deep/f.txt", Data: []byte("f")},
				link("d", "sub/deep"),
				link("up", "d/.."), // sub, not the root
				link("g", "up/deep/f.txt"),
			},
			check: readsAs("g", "f"),
		},
		{
			name: "link to a folder, then a file through it",
			entries: []testzip.Entry{
				{Name: "real/", Mode: os.ModeDir | 0o755},
				link("d", "real"),
				{Name: "d/f.txt", Data: []byte("through")},
			},
			check: func(t *testing.T, dir string) {
				readsAs("real/f.txt", "through")(t, dir)
				info, err := os.Lstat(filepath.Join(dir, "d"))
				require.NoError(t, err)
				assert.NotZero(t, info.Mode()&os.ModeSymlink, "d stays a link")
			},
		},
		{
			name:    "link to the root itself",
			entries: []testzip.Entry{{Name: "a.txt", Data: []byte("a")}, link("sub/top", "..")},
			check:   readsAs("sub/top/a.txt", "a"),
		},
		{
			name:    "dangling link inside",
			entries: []testzip.Entry{link("later", "not/there")},
			check: func(t *testing.T, dir string) {
				got, err := os.Readlink(filepath.Join(dir, "later"))
				require.NoError(t, err)
				assert.Equal(t, "not/there", got)
			},
		},
		{name: "parent traversal", entries: []testzip.Entry{{Name: "../evil", Data: []byte("x")}}, wantErr: "leaves the archive root"},
		{name: "nested traversal", entries: []testzip.Entry{{Name: "a/../../evil", Data: []byte("x")}}, wantErr: "leaves the archive root"},
		{name: "absolute name", entries: []testzip.Entry{{Name: "/etc/evil", Data: []byte("x")}}, wantErr: "absolute entry name"},
		{name: "backslash traversal", entries: []testzip.Entry{{Name: `..\evil`, Data: []byte("x")}}, wantErr: "leaves the archive root"},

		// Links that escape directly.
		{name: "link outside", entries: []testzip.Entry{link("l", "../../etc/passwd")}, wantErr: `link "l" -> "../../etc/passwd" points outside`},
		{name: "link to the parent", entries: []testzip.Entry{link("l", ".."), {Name: "l/evil", Data: []byte("x")}}, wantErr: `link "l" -> ".."`},
		{name: "link in a folder to the parent", entries: []testzip.Entry{link("a/b/l", "../../..")}, wantErr: "points outside"},
		{name: "absolute link", entries: []testzip.Entry{link("l", "/etc/passwd")}, wantErr: "is absolute"},
		{name: "absolute link with backslashes", entries: []testzip.Entry{link("l", `\etc\passwd`)}, wantErr: "is absolute"},
		{name: "empty link", entries: []testzip.Entry{link("l", "")}, wantErr: "is absolute or empty"},
		{name: "link escaping through a missing folder", entries: []testzip.Entry{link("l", "missing/../../evil")}, wantErr: "points outside"},

		// Chains of links that escape.
		{name: "chain: a -> b, b -> ../../etc", entries: []testzip.Entry{link("a", "b"), link("b", "../../etc")}, wantErr: `link "b"`},
		{name: "chain: b -> ../../etc, a -> b", entries: []testzip.Entry{link("b", "../../etc"), link("a", "b")}, wantErr: `link "b"`},
		{
			// Each link stays inside when read alone: a/l1 is the root,
			// so a/l1/l2 -> ".." is its parent.
			name:    "chain: '..' from a link that is the root",
			entries: []testzip.Entry{link("a/l1", ".."), link("a/l1/l2", ".."), {Name: "a/l1/l2/evil", Data: []byte("x")}},
			wantErr: `link "a/l1/l2" -> ".." points outside`,
		},
		{
			name:    "chain: '..' after a link to the root",
			entries: []testzip.Entry{link("up", "."), link("l", "up/.."), {Name: "l/evil", Data: []byte("x")}},
			wantErr: `link "l" -> "up/.." points outside`,
		},
		{
			// l is checked while up does not exist yet: only the final
			// check finds it.
			name:    "chain made in the wrong order",
			entries: []testzip.Entry{link("l", "up/.."), link("up", ".")},
			wantErr: `link "l": climbs above the archive root`,
		},
		{
			name:    "chain made in the wrong order, then a file through it",
			entries: []testzip.Entry{link("l", "up/.."), link("up", "."), {Name: "l/evil", Data: []byte("x")}},
			wantErr: `entry "l/evil": climbs above the archive root`,
		},
		{
			name:    "chain through a link to a folder, then an escaping file",
			entries: []testzip.Entry{{Name: "real/", Mode: os.ModeDir | 0o755}, link("d", "real"), link("d/out", "../.."), {Name: "d/out/evil", Data: []byte("x")}},
			wantErr: `link "d/out" -> "../.." points outside`,
		},
		{name: "loop", entries: []testzip.Entry{link("a", "b"), link("b", "a")}, wantErr: "more than 40 symbolic links"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "code")
			require.NoError(t, os.Mkdir(dir, 0o755))
			err := extractZip(testzip.Build(t, tt.entries...), dir)
			assertOnlyCode(t, root)
			if tt.wantErr != "" {
				require.ErrorIs(t, err, errBadZip)
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assertConfined(t, dir)
			tt.check(t, dir)
		})
	}
	t.Run("absolute link to a file inside", func(t *testing.T) {
		dir := t.TempDir()
		err := extractZip(testzip.Build(t, testzip.Entry{Name: "real.txt", Data: []byte("x")},
			link("l", filepath.ToSlash(filepath.Join(dir, "real.txt")))), dir)
		require.ErrorIs(t, err, errBadZip)
		assert.ErrorContains(t, err, "is absolute")
	})
	t.Run("not a zip", func(t *testing.T) {
		require.ErrorIs(t, extractZip([]byte("nope"), t.TempDir()), errBadZip)
	})
}

// assertOnlyCode checks that extracting into root/code wrote nothing
// beside it.
func assertOnlyCode(t *testing.T, root string) {
	t.Helper()
	entries, err := os.ReadDir(root)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"code"}, names, "nothing is written outside the code directory")
}

// assertConfined checks that every name in dir resolves inside dir.
func assertConfined(t *testing.T, dir string) {
	t.Helper()
	real, err := filepath.EvalSymlinks(dir)
	require.NoError(t, err)
	err = filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		require.NoError(t, err)
		resolved, err := filepath.EvalSymlinks(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // a dangling link
		}
		require.NoError(t, err)
		rel, err := filepath.Rel(real, resolved)
		require.NoError(t, err)
		assert.False(t, rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)), "%s resolves to %s, outside %s", p, resolved, dir)
		return nil
	})
	require.NoError(t, err)
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

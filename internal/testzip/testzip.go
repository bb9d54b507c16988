// Package testzip builds zip archives for tests: function packages,
// bundles, archives with modes, methods and comments.
package testzip

import (
	"archive/zip"
	"bytes"
	"io/fs"
	"sort"
	"testing"
	"time"
)

// Entry is one file of an archive.
type Entry struct {
	Name string
	Data []byte
	// Mode, when not 0, is set in the header (Unix permissions).
	Mode fs.FileMode
	// Method is zip.Store (the zero value) or zip.Deflate.
	Method uint16
	// Modified, when not zero, is the entry's time.
	Modified time.Time
}

// Build returns a zip of the entries, in order.
func Build(t testing.TB, entries ...Entry) []byte {
	t.Helper()
	return WithComment(t, "", entries...)
}

// WithComment returns a zip of the entries, in order, with an archive
// comment.
func WithComment(t testing.TB, comment string, entries ...Entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.Name, Method: e.Method, Modified: e.Modified}
		if e.Mode != 0 {
			h.SetMode(e.Mode)
		}
		w, err := zw.CreateHeader(h)
		if err == nil {
			_, err = w.Write(e.Data)
		}
		if err != nil {
			t.Fatalf("zip %s: %v", e.Name, err)
		}
	}
	if comment != "" {
		if err := zw.SetComment(comment); err != nil {
			t.Fatalf("zip comment: %v", err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatalf("zip: %v", err)
	}
	return buf.Bytes()
}

// Files returns a zip of the files, deflated, sorted by name.
func Files(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	entries := make([]Entry, 0, len(names))
	for _, name := range names {
		entries = append(entries, Entry{Name: name, Data: files[name], Method: zip.Deflate})
	}
	return Build(t, entries...)
}

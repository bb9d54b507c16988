package gomigrate

import (
	"archive/zip"
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/internal/testzip"
)

func rewrite(t *testing.T, pkg []byte, handler string) []byte {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, Rewrite(&out, bytes.NewReader(pkg), int64(len(pkg)), handler))
	return out.Bytes()
}

func TestRewrite(t *testing.T) {
	bin := buildBinary(t, "plain", "amd64")
	const h = "mattermost-app-servicenow"
	tests := []struct {
		name    string
		entries []testzip.Entry
		handler string
	}{
		{name: "handler, folder, deflated and stored files", handler: h, entries: []testzip.Entry{
			{Name: "assets/", Mode: 0},
			{Name: "assets/app.json", Data: []byte(`{"app":"servicenow"}`), Method: zip.Deflate},
			{Name: h, Data: bin, Mode: 0o755, Method: zip.Deflate},
			{Name: "README.txt", Data: []byte("stored as is"), Method: zip.Store},
		}},
		{name: "handler without a Unix mode", handler: h, entries: []testzip.Entry{
			{Name: h, Data: bin, Method: zip.Deflate},
		}},
		{name: "identical bootstrap is replaced, not doubled", handler: h, entries: []testzip.Entry{
			{Name: Bootstrap, Data: bin, Mode: 0o644, Method: zip.Deflate},
			{Name: h, Data: bin, Mode: 0o755, Method: zip.Deflate},
		}},
		{name: "handler is bootstrap without the executable bit", handler: Bootstrap, entries: []testzip.Entry{
			{Name: Bootstrap, Data: bin, Mode: 0o644, Method: zip.Deflate},
			{Name: "other", Data: []byte("x"), Method: zip.Deflate},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkg := testzip.WithComment(t, "built for go1.x", tt.entries...)
			require.True(t, inspect(t, pkg, tt.handler).Migrate())
			out := rewrite(t, pkg, tt.handler)

			files, headers, zr := unzip(t, out)
			assert.Equal(t, "built for go1.x", zr.Comment)
			boot := headers[Bootstrap]
			require.NotNil(t, boot, "bootstrap entry")
			assert.True(t, boot.Mode().IsRegular())
			assert.Equal(t, "-rwxr-xr-x", boot.Mode().String(), "Lambda must see bootstrap as executable")
			assert.Equal(t, uint16(3), boot.CreatorVersion>>8, "Unix external attributes")
			assert.Equal(t, bin, files[Bootstrap], "bootstrap holds the handler's bytes")

			origFiles, origHeaders, _ := unzip(t, pkg)
			for name, data := range origFiles {
				if name == Bootstrap {
					continue
				}
				require.Contains(t, files, name)
				assert.Equal(t, data, files[name], "%s is intact", name)
				assert.Equal(t, origHeaders[name].Method, headers[name].Method, name)
				assert.Equal(t, origHeaders[name].Mode(), headers[name].Mode(), name)
				assert.Equal(t, origHeaders[name].CRC32, headers[name].CRC32, name)
			}
			wantCount := len(origFiles) + 1
			if _, had := origFiles[Bootstrap]; had {
				wantCount--
			}
			assert.Len(t, files, wantCount, "the original entries and bootstrap")
		})
	}
}

func TestRewriteErrors(t *testing.T) {
	_, err := rewriteErr([]byte("not a zip"), "h")
	require.ErrorContains(t, err, "not a zip archive")
	_, err = rewriteErr(testzip.Build(t, testzip.Entry{Name: "other", Data: []byte("x")}), "h")
	require.ErrorContains(t, err, `no file named "h"`)
}

func rewriteErr(pkg []byte, handler string) ([]byte, error) {
	var out bytes.Buffer
	err := Rewrite(&out, bytes.NewReader(pkg), int64(len(pkg)), handler)
	return out.Bytes(), err
}

package bundle

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLyingHeaders checks that entries whose headers understate or
// overstate their size pass Read (which trusts headers) but can never be
// read past what they declare.
func TestLyingHeaders(t *testing.T) {
	payload := compressible(256 << 10)
	short := []byte("short data")
	tests := []struct {
		name     string
		entry    zfile
		declared int
		wantErr  string
	}{
		{"package longer than declared", lyingEntry(t, "main.zip", payload, 100), 100, "more data than the 100 bytes its header declares"},
		{"asset longer than declared", lyingEntry(t, "static/a.txt", payload, 1000), 1000, "more data than the 1000 bytes its header declares"},
		{"package shorter than declared", lyingEntry(t, "main.zip", short, 50), 50, "of the 50 bytes its header declares"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := []zfile{{name: "manifest.json", data: testManifest(t, "main")}, tt.entry}
			if tt.entry.name != "main.zip" {
				files = append(files, pkg("main.zip"))
			}
			data := buildZip(t, files...)
			b, err := Read(bytes.NewReader(data), int64(len(data)))
			require.NoError(t, err, "headers alone look fine")

			var open func() (io.ReadCloser, error)
			if tt.entry.name == "main.zip" {
				open = b.Functions()[0].Open
				_, err := b.Functions()[0].ReadAll()
				assert.ErrorContains(t, err, tt.wantErr)
			} else {
				open = b.StaticAssets()[0].Open
			}
			rc, err := open()
			require.NoError(t, err)
			got, err := io.ReadAll(rc)
			assert.ErrorContains(t, err, tt.wantErr)
			assert.LessOrEqual(t, len(got), tt.declared, "never more than declared")
			assert.NoError(t, rc.Close())

			err = b.Verify()
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func TestBadChecksumIsCaught(t *testing.T) {
	content := []byte("some package bytes")
	compressed := deflate(t, content)
	bad := zfile{name: "main.zip", data: compressed, raw: &zip.FileHeader{
		Name: "main.zip", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(content) + 1,
		CompressedSize64: uint64(len(compressed)), UncompressedSize64: uint64(len(content)),
	}}
	data := buildZip(t, zfile{name: "manifest.json", data: testManifest(t, "main")}, bad)
	b, err := Read(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	_, err = b.Functions()[0].ReadAll()
	assert.ErrorIs(t, err, zip.ErrChecksum)
	assert.ErrorContains(t, b.Verify(), `entry "main.zip": zip: checksum error`)
}

func TestClosedBundleCannotBeRead(t *testing.T) {
	b, err := Open(fixturePath)
	require.NoError(t, err)
	require.NoError(t, b.Close())
	_, err = b.Functions()[0].ReadAll()
	assert.Error(t, err)

	fromMemory := &Bundle{}
	assert.NoError(t, fromMemory.Close(), "closing a bundle that was not opened from a file is a no-op")
}

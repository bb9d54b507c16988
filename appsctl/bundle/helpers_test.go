package bundle

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"testing"
)

const fixturePath = "testdata/legacy-servicenow-bundle.zip"

// zfile is one entry of a zip built by buildZip.
type zfile struct {
	name string
	data []byte
	// store keeps the data uncompressed.
	store bool
	// raw, if set, writes the entry with this header as is, followed by
	// data as the compressed bytes (so headers can lie).
	raw *zip.FileHeader
}

// buildZip builds a zip archive in memory.
func buildZip(t testing.TB, files ...zfile) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	// Fast compression keeps large test entries cheap to build.
	w.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	for _, f := range files {
		if f.raw != nil {
			hw, err := w.CreateRaw(f.raw)
			if err != nil {
				t.Fatalf("create raw %s: %v", f.name, err)
			}
			if _, err := hw.Write(f.data); err != nil {
				t.Fatalf("write raw %s: %v", f.name, err)
			}
			continue
		}
		method := zip.Deflate
		if f.store {
			method = zip.Store
		}
		fw, err := w.CreateHeader(&zip.FileHeader{Name: f.name, Method: method})
		if err != nil {
			t.Fatalf("create %s: %v", f.name, err)
		}
		if _, err := fw.Write(f.data); err != nil {
			t.Fatalf("write %s: %v", f.name, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("close zip: %v", err)
	}
	return buf.Bytes()
}

// deflate compresses data with flate, as zip entries are.
func deflate(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// lyingEntry returns an entry whose header declares declaredSize unzipped
// bytes (and the CRC of the first declaredSize bytes) while its compressed
// data unzips to all of data.
func lyingEntry(t testing.TB, name string, data []byte, declaredSize uint64) zfile {
	compressed := deflate(t, data)
	crcLen := min(declaredSize, uint64(len(data)))
	return zfile{name: name, data: compressed, raw: &zip.FileHeader{
		Name:               name,
		Method:             zip.Deflate,
		CRC32:              crc32.ChecksumIEEE(data[:crcLen]),
		CompressedSize64:   uint64(len(compressed)),
		UncompressedSize64: declaredSize,
	}}
}

// testManifest returns a manifest.json with one function per name, all
// serving "/".
func testManifest(t testing.TB, functions ...string) []byte {
	t.Helper()
	fns := make([]map[string]string, len(functions))
	for i, name := range functions {
		fns[i] = map[string]string{"path": "/", "name": name, "handler": "handler-" + name, "runtime": "nodejs20.x"}
	}
	data, err := json.Marshal(map[string]any{
		"app_id":       "com.example.test",
		"version":      "1.0.0",
		"display_name": "Test",
		"homepage_url": "https://example.com",
		"aws_lambda":   map[string]any{"functions": fns},
	})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// pkg returns a small function package entry.
func pkg(name string) zfile {
	return zfile{name: name, data: []byte(fmt.Sprintf("PK package %s", name)), store: true}
}

// compressible returns n bytes that deflate about ratio:1 (ratio well
// below 100).
func compressible(n int) []byte {
	data := make([]byte, n)
	x := uint32(1)
	for i := 0; i < n; i += 64 {
		// 4 pseudo-random bytes per 64 keep the ratio far below 100:1.
		for j := 0; j < 4 && i+j < n; j++ {
			x = x*1664525 + 1013904223
			data[i+j] = byte(x >> 24)
		}
	}
	return data
}

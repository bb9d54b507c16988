package bundle

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"reflect"
	"strings"
	"testing"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
)

// FuzzRead checks that no input makes Read, Verify or ProvisionData panic,
// that a refusal is a well-formed error, and that an accepted bundle keeps
// every promise of the package: safe names, sizes within the limits,
// readers that never return more than the header declares.
func FuzzRead(f *testing.F) {
	if data, err := os.ReadFile(fixturePath); err == nil {
		f.Add(data)
	}
	f.Add(buildZip(f, zfile{name: "manifest.json", data: testManifest(f, "main")}, pkg("main.zip"),
		zfile{name: "static/a b.txt", data: []byte("x")}))
	f.Add(buildZip(f, zfile{name: "manifest.json", data: testManifest(f, "one", "bone")}, pkg("xbone.zip")))
	f.Add([]byte("PK\x05\x06" + string(make([]byte, 18))))
	// Small stored (uncompressed) archives, so that mutated bytes land in
	// names, sizes and contents rather than break a deflate stream: every
	// kind of entry Read sorts, a symbolic link, an entry whose data runs
	// past the archive, and a bundle packed in a folder. testdata/fuzz/FuzzRead
	// holds more: lying headers, entries that share their data, traversal.
	manifest := zfile{name: ManifestName, data: testManifest(f, "main", "legacy"), store: true}
	f.Add(buildZip(f, manifest, pkg("main.zip"), pkg("old-legacy.jar"), pkg("stray.zip"),
		zfile{name: "static/", store: true}, zfile{name: "static/img/a.png", data: []byte("png"), store: true},
		zfile{name: "__MACOSX/._main.zip", store: true}, zfile{name: "static/.DS_Store", store: true},
		zfile{name: "README.md", data: []byte("hi"), store: true}, zfile{name: "sub/manifest.json", data: []byte("{}"), store: true}))
	link := &zip.FileHeader{Name: "static/link", Method: zip.Store, CRC32: crc32.ChecksumIEEE([]byte("/etc")),
		CompressedSize64: 4, UncompressedSize64: 4}
	link.SetMode(fs.ModeSymlink | 0o777)
	f.Add(buildZip(f, manifest, pkg("main.zip"), pkg("legacy.zip"), zfile{name: link.Name, data: []byte("/etc"), raw: link}))
	f.Add(buildZip(f, manifest, pkg("main.zip"), pkg("legacy.zip"), zfile{name: "static/t.txt", data: []byte("tiny"),
		raw: &zip.FileHeader{Name: "static/t.txt", Method: zip.Store, CompressedSize64: 1 << 20, UncompressedSize64: 1 << 20}}))
	f.Add(buildZip(f, zfile{name: "app/manifest.json", data: testManifest(f, "main"), store: true}, pkg("app/main.zip")))
	f.Fuzz(func(t *testing.T, data []byte) {
		accepted := false
		for _, allowS3 := range []bool{false, true} {
			var opts []Option
			if allowS3 {
				opts = append(opts, AllowS3Upload())
			}
			b, err := Read(bytes.NewReader(data), int64(len(data)), opts...)
			if err != nil {
				checkRefused(t, b, err)
				if accepted {
					t.Fatalf("accepted without AllowS3Upload but refused with it: %v", err)
				}
				continue
			}
			accepted = true
			checkAccepted(t, b, data, allowS3)
			_ = b.Verify() // may fail on lying headers; must not panic
		}
	})
}

// checkRefused checks the error of a refused bundle.
func checkRefused(t *testing.T, b *Bundle, err error) {
	t.Helper()
	if b != nil || err.Error() == "" {
		t.Fatalf("bundle %v with error %q", b, err)
	}
	var problems *Error
	if errors.As(err, &problems) && len(problems.Problems) == 0 {
		t.Fatalf("bundle error without problems: %v", err)
	}
}

// checkAccepted checks the invariants of an accepted bundle read from data.
func checkAccepted(t *testing.T, b *Bundle, data []byte, allowS3 bool) {
	t.Helper()
	checkEntries(t, data)
	m := b.Manifest()
	if m == nil || m.AWSLambda == nil {
		t.Fatal("accepted bundle without an aws_lambda manifest")
	}
	if err := m.Validate(); err != nil {
		t.Fatalf("accepted bundle with invalid manifest: %v", err)
	}
	// The manifest uploaded (the bytes in the bundle) is the one checked.
	if raw, err := apps.DecodeManifest(b.ManifestJSON()); err != nil || !reflect.DeepEqual(raw, m) {
		t.Fatalf("manifest.json decodes to %+v (%v), the bundle's manifest is %+v", raw, err, m)
	}
	if got, want := len(b.Functions()), len(m.AWSLambda.Functions); got != want {
		t.Fatalf("%d packages for %d functions", got, want)
	}
	var total uint64
	lambdaNames := map[string]string{}
	for i, p := range b.Functions() {
		if p.Function.Name != m.AWSLambda.Functions[i].Name {
			t.Fatalf("package %d is for function %q, want %q (manifest order)", i, p.Function.Name, m.AWSLambda.Functions[i].Name)
		}
		want, err := awsnames.LambdaName(string(m.AppID), string(m.Version), p.Function.Name)
		if err != nil || p.LambdaName != want {
			t.Fatalf("package %q: Lambda name %q, want %q (%v)", p.Entry, p.LambdaName, want, err)
		}
		if other, dup := lambdaNames[p.LambdaName]; dup {
			t.Fatalf("functions %q and %q both deploy as Lambda function %q", other, p.Function.Name, p.LambdaName)
		}
		lambdaNames[p.LambdaName] = p.Function.Name
		if why := unsafeEntryName(p.Entry); why != "" {
			t.Fatalf("accepted package entry %q: %s", p.Entry, why)
		}
		if !isPackageName(p.Entry) {
			t.Fatalf("accepted package %q that is not a .zip or .jar", p.Entry)
		}
		if p.Size < 0 || p.Size > MaxEntrySize || (!allowS3 && p.Size > MaxDirectUploadSize) {
			t.Fatalf("accepted package %q of %d bytes (AllowS3Upload: %v)", p.Entry, p.Size, allowS3)
		}
		total += uint64(p.Size)
		checkReadBounded(t, p.Entry, p.Size, p.Open)
	}
	keys := map[string]bool{}
	for i, a := range b.StaticAssets() {
		if err := apps.ValidateStaticName(a.Name); err != nil {
			t.Fatalf("accepted asset %q: %v", a.Entry, err)
		}
		if why := unsafeEntryName(a.Entry); why != "" {
			t.Fatalf("accepted asset entry %q: %s", a.Entry, why)
		}
		if path.Clean(a.Entry) != StaticDir+a.Name {
			t.Fatalf("asset %q is named %q", a.Entry, a.Name)
		}
		if a.Key != awsnames.StaticKey(string(m.AppID), string(m.Version), a.Name) {
			t.Fatalf("asset %q has key %q", a.Name, a.Key)
		}
		if keys[a.Key] {
			t.Fatalf("two assets have the S3 key %q", a.Key)
		}
		keys[a.Key] = true
		if i > 0 && b.StaticAssets()[i-1].Name >= a.Name {
			t.Fatalf("assets not sorted by name: %q before %q", b.StaticAssets()[i-1].Name, a.Name)
		}
		if a.Size < 0 || a.Size > MaxEntrySize {
			t.Fatalf("accepted asset %q of %d bytes", a.Entry, a.Size)
		}
		total += uint64(a.Size)
		checkReadBounded(t, a.Entry, a.Size, a.Open)
	}
	if total > MaxTotalSize {
		t.Fatalf("accepted bundle that unzips to %d bytes", total)
	}
	pd := b.ProvisionData()
	if len(pd.LambdaFunctions) != len(b.Functions()) || len(pd.StaticFiles) != len(b.StaticAssets()) {
		t.Fatalf("provisioning data has %d functions and %d files for %d packages and %d assets",
			len(pd.LambdaFunctions), len(pd.StaticFiles), len(b.Functions()), len(b.StaticAssets()))
	}
	if _, err := json.Marshal(pd); err != nil {
		t.Fatalf("marshal provisioning data: %v", err)
	}
}

// checkEntries checks every entry of an accepted archive, whatever Read
// does with it: no unsafe name, only regular files and folders, and no two
// files with the same cleaned name.
func checkEntries(t *testing.T, data []byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		t.Fatalf("accepted an archive that archive/zip refuses: %v", err)
	}
	if len(zr.File) > MaxEntries {
		t.Fatalf("accepted an archive of %d entries", len(zr.File))
	}
	seen := map[string]string{}
	for _, f := range zr.File {
		if why := unsafeEntryName(f.Name); why != "" {
			t.Fatalf("accepted a bundle with the entry %q (%s)", f.Name, why)
		}
		clean := path.Clean(f.Name)
		if strings.HasSuffix(f.Name, "/") || f.Mode().IsDir() || clean == "." {
			continue
		}
		if f.Mode()&fs.ModeType != 0 {
			t.Fatalf("accepted a bundle with the entry %q of mode %v", f.Name, f.Mode())
		}
		if other, dup := seen[clean]; dup {
			t.Fatalf("accepted a bundle with both %q and %q", other, f.Name)
		}
		seen[clean] = f.Name
	}
}

// checkReadBounded reads an entry through the bundle's reader and fails if
// the reader returns more bytes than the entry's declared size, whatever the
// compressed data really holds.
func checkReadBounded(t *testing.T, name string, size int64, open func() (io.ReadCloser, error)) {
	t.Helper()
	rc, err := open()
	if err != nil {
		return // refusing to open a corrupt entry is fine
	}
	defer func() { _ = rc.Close() }()
	n, _ := io.CopyN(io.Discard, rc, size+1)
	if n > size {
		t.Fatalf("entry %q: read more than the %d bytes its header declares", name, size)
	}
}

// unsafeEntryName says why a zip entry name must make Read refuse the
// bundle, or returns "" for a name that is safe to extract.
func unsafeEntryName(name string) string {
	switch {
	case name == "":
		return "empty"
	case strings.HasPrefix(name, "/"), hasDriveLetter(name):
		return "absolute"
	case strings.Contains(name, `\`):
		return "backslash"
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "control character"
	}
	for _, seg := range strings.Split(name, "/") {
		if seg == ".." {
			return "'..' segment"
		}
	}
	return ""
}

// FuzzReadBuilt builds well-formed zips from fuzzed entry names and
// manifest, so that the fuzzer reaches the name, matching and manifest
// checks that random bytes rarely get past. Every entry but the manifest
// holds content; a directory entry (name ending in '/') holds none, since
// the zip writer refuses data for it.
func FuzzReadBuilt(f *testing.F) {
	f.Add(testManifest(f, "function1", "function with spaces"), "function1.zip\nlegacy-function with spaces.jar\nstatic/a b.png", []byte("x"))
	f.Add(testManifest(f, "one", "bone"), "xbone.zip\nstatic/../x\n/abs\nstatic/img/a.png", []byte(""))
	f.Add([]byte(`{"app_id":"abc","display_name":"A","homepage_url":"https://x","aws_lambda":{}}`), "abc.zip\n__MACOSX/._abc.zip", []byte("PK"))
	f.Add(testManifest(f, "function1"), "x..function1.zip\nstatic/./a\nstatic/dir/\n/", []byte("x"))
	// Valid bundles but for one entry each, which must refuse them.
	for _, bad := range []string{"static/../x", "../function1.zip", "/abs", "C:/x", `static\a`, "static/a\x01",
		"static/dir/../../x/", "./function1.zip", "static/a.png", "./manifest.json", ""} {
		f.Add(testManifest(f, "function1"), "function1.zip\nstatic/a.png\n"+bad, []byte("x"))
	}
	f.Fuzz(func(t *testing.T, manifest []byte, names string, content []byte) {
		files := []zfile{{name: ManifestName, data: manifest}}
		for i, name := range strings.Split(names, "\n") {
			if i >= 20 {
				break
			}
			files = append(files, zfile{name: name, data: content})
		}
		data, ok := writeZip(t, files)
		if !ok {
			return
		}
		b, err := Read(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			checkRefused(t, b, err)
			return
		}
		checkAccepted(t, b, data, false)
		if !bytes.Equal(b.ManifestJSON(), manifest) {
			t.Fatalf("manifest.json read as %q, written as %q", b.ManifestJSON(), manifest)
		}
		for _, p := range b.Functions() {
			got, err := p.ReadAll()
			if err != nil || !bytes.Equal(got, content) {
				t.Fatalf("package %q reads %q (%v), written %q", p.Entry, got, err, content)
			}
		}
		for _, a := range b.StaticAssets() {
			rc, err := a.Open()
			if err != nil {
				t.Fatalf("open asset %q: %v", a.Entry, err)
			}
			got, err := io.ReadAll(rc)
			_ = rc.Close()
			if err != nil || a.Size != int64(len(content)) || !bytes.Equal(got, content) {
				t.Fatalf("asset %q (size %d) reads %q (%v), written %q", a.Entry, a.Size, got, err, content)
			}
		}
		if err := b.Verify(); err != nil {
			t.Fatalf("well-formed bundle fails verification: %v", err)
		}
	})
}

// writeZip writes files as a zip archive. It reports false for inputs the
// zip format cannot hold (names over 65535 bytes); any other failure of the
// writer fails the test.
func writeZip(t *testing.T, files []zfile) ([]byte, bool) {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, zf := range files {
		if len(zf.name) > math.MaxUint16 {
			return nil, false
		}
		fw, err := w.Create(zf.name)
		if err != nil {
			t.Fatalf("create %q: %v", zf.name, err)
		}
		if strings.HasSuffix(zf.name, "/") {
			continue // a directory: the writer refuses any data
		}
		if _, err := fw.Write(zf.data); err != nil {
			t.Fatalf("write %q: %v", zf.name, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("close zip: %v", err)
	}
	return buf.Bytes(), true
}

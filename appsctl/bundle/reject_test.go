package bundle

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/aws/awsnames"
)

func TestReadRejects(t *testing.T) {
	// A function named like the hash that shortens the Lambda name of
	// another, long one maps to the same Lambda name. (Names equal after
	// replacing spaces are refused by the manifest validation already.)
	longName := strings.Repeat("long-function-name-", 3)
	hashedLambda, err := awsnames.LambdaName("com.example.test", "1.0.0", longName)
	require.NoError(t, err)
	hashedName := strings.TrimPrefix(hashedLambda, "com-example-test_1-0-0_")
	require.Len(t, hashedLambda, awsnames.MaxLambdaNameLength)

	manifest := zfile{name: "manifest.json", data: testManifest(t, "function1")}
	valid := []zfile{manifest, pkg("function1.zip")}
	with := func(extra ...zfile) []zfile { return append(append([]zfile{}, valid...), extra...) }

	tooMany := []zfile{manifest, pkg("function1.zip")}
	for i := 0; len(tooMany) <= MaxEntries; i++ {
		tooMany = append(tooMany, zfile{name: fmt.Sprintf("static/f%d.txt", i), store: true})
	}
	hugeEntry := zfile{name: "static/huge.bin", data: []byte("tiny"), raw: &zip.FileHeader{
		Name: "static/huge.bin", Method: zip.Store, CompressedSize64: 4, UncompressedSize64: MaxEntrySize + 1,
	}}
	var overTotal []zfile
	for i := range 5 {
		name := fmt.Sprintf("static/part%d.bin", i)
		overTotal = append(overTotal, zfile{name: name, data: []byte("tiny"), raw: &zip.FileHeader{
			Name: name, Method: zip.Deflate, CompressedSize64: 3 << 20, UncompressedSize64: 220 << 20,
		}})
	}

	tests := []struct {
		name  string
		files []zfile
		want  []string // substrings that must all appear in the error
	}{
		{"path traversal", with(zfile{name: "../evil.zip", data: []byte("x")}),
			[]string{`entry "../evil.zip": has '..' in its path (path traversal)`}},
		{"path traversal in static", with(zfile{name: "static/../../etc/cron.d/x", data: []byte("x")}),
			[]string{`entry "static/../../etc/cron.d/x": has '..'`}},
		{"absolute path", with(zfile{name: "/etc/passwd", data: []byte("x")}),
			[]string{`entry "/etc/passwd": has an absolute path`}},
		{"windows drive path", with(zfile{name: "C:/x.txt", data: []byte("x")}),
			[]string{`entry "C:/x.txt": has an absolute path`}},
		{"backslash", with(zfile{name: `static\logo.png`, data: []byte("x")}),
			[]string{`entry "static\\logo.png": uses '\' in its path`}},
		{"symbolic link", with(zfile{name: "static/link", data: []byte("/etc/passwd"), raw: symlinkHeader("static/link", "/etc/passwd")}),
			[]string{`entry "static/link": is a symbolic link, not a regular file`}},
		{"control character", with(zfile{name: "static/a\nb", data: []byte("x")}),
			[]string{"has control characters"}},
		{"compression bomb", with(zfile{name: "static/zeros.txt", data: make([]byte, 20<<20)}),
			[]string{`entry "static/zeros.txt": is compressed more than 100:1`, "zip bomb"}},
		{"entry too large", with(hugeEntry),
			[]string{`entry "static/huge.bin": unzips to 250.1 MiB, more than the 250 MiB allowed per entry`}},
		{"total too large", with(overTotal...),
			[]string{"the bundle unzips to more than 1 GiB", `entry "static/part0.bin": is truncated`}},
		{"too many entries", tooMany,
			[]string{"the bundle has 10001 entries, more than the 10000 allowed"}},
		{"missing function package", []zfile{{name: "manifest.json", data: testManifest(t, "function1", "function2")}, pkg("function1.zip")},
			[]string{`function "function2": has no package; add "function2.zip"`}},
		{"missing package lists unmatched ones", []zfile{manifest, pkg("fn1.zip")},
			[]string{`function "function1": has no package`, `packages matching no function: "fn1.zip"`}},
		{"duplicate package", with(pkg("lib/function1.zip")),
			[]string{`function "function1": has 2 packages: "function1.zip", "lib/function1.zip"; keep exactly one`}},
		{"duplicate package zip and jar", with(pkg("function1.jar")),
			[]string{`function "function1": has 2 packages`}},
		{"duplicate legacy packages", []zfile{manifest, pkg("a-function1.zip"), pkg("b-function1.zip")},
			[]string{`function "function1": has 2 packages: "a-function1.zip", "b-function1.zip"`}},
		{"ambiguous legacy match", []zfile{{name: "manifest.json", data: testManifest(t, "one", "bone")}, pkg("one.zip"), pkg("bone.zip"), pkg("xbone.zip")},
			nil}, // both functions have exact matches: xbone is only a warning; see below
		{"ambiguous legacy match without exact ones", []zfile{{name: "manifest.json", data: testManifest(t, "one", "bone")}, pkg("xbone.zip")},
			[]string{`entry "xbone.zip": matches more than one function by the end of its name: "one", "bone"`}},
		{"duplicate entry", with(pkg("function1.zip")),
			[]string{`entry "function1.zip": appears more than once`}},
		{"static key collision", with(zfile{name: "static/a b.txt"}, zfile{name: "static/a-b.txt"}),
			[]string{`entry "static/a-b.txt": has the same S3 key "static/com.example.test_1.0.0_app/a-b.txt" as "static/a b.txt"`}},
		{"Lambda name collision", []zfile{{name: "manifest.json", data: testManifest(t, longName, "other", hashedName)},
			pkg(longName + ".zip"), pkg("other.zip"), pkg(hashedName + ".zip")},
			[]string{"1 problem:", `function "` + hashedName + `": has the same Lambda function name "` + hashedLambda + `" as function "` + longName + `"`, "rename one of them"}},
		{"no manifest", []zfile{pkg("function1.zip")},
			[]string{"manifest.json: not found at the root of the bundle"}},
		{"manifest in a folder", []zfile{{name: "app/manifest.json", data: manifest.data}, pkg("app/function1.zip")},
			[]string{`manifest.json: not found at the root of the bundle, only as "app/manifest.json"; zip the contents of the app folder`}},
		{"manifest without aws_lambda", []zfile{{name: "manifest.json", data: []byte(
			`{"app_id":"abc","display_name":"A","homepage_url":"https://x","http":{"root_url":"https://x"}}`)}},
			[]string{"manifest.json: has no aws_lambda section"}},
		{"manifest not JSON", []zfile{{name: "manifest.json", data: []byte(`{`)}, pkg("function1.zip")},
			[]string{"manifest.json: manifest is not valid JSON"}},
		{"manifest too large", []zfile{{name: "manifest.json", data: compressible(1<<20 + 1)}},
			[]string{"manifest.json: is 1.1 MiB, more than the 1 MiB allowed"}},
		{"all problems at once", []zfile{
			{name: "manifest.json", data: []byte(`{"app_id":"x","display_name":"X","homepage_url":"https://x",
				"aws_lambda":{"functions":[{"path":"/","name":"f1","handler":"h","runtime":"r"},{"path":"/b","name":"f2","handler":"h","runtime":"r"}]}}`)},
			pkg("f1.zip"),
			{name: "../up.txt"},
			{name: "/abs.txt"},
		}, []string{
			"4 problems",
			`entry "../up.txt": has '..'`,
			`entry "/abs.txt": has an absolute path`,
			"manifest.json: app_id: must be 3-32 characters",
			`function "f2": has no package`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := buildZip(t, tt.files...)
			b, err := Read(bytes.NewReader(data), int64(len(data)))
			if tt.want == nil {
				require.NoError(t, err)
				assert.Len(t, b.Functions(), 2)
				assert.Equal(t, []string{`ignored package "xbone.zip": its name matches no function in manifest.json aws_lambda.functions`}, b.Warnings())
				return
			}
			require.Error(t, err)
			assert.Nil(t, b)
			var be *Error
			require.True(t, errors.As(err, &be), "error is a *bundle.Error: %v", err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			for _, p := range be.Problems {
				assert.NotContains(t, p.Error(), "\n", "one line per problem")
			}
		})
	}
}

func TestReadNotAZip(t *testing.T) {
	for _, data := range [][]byte{nil, []byte("not a zip"), []byte("PK\x05\x06")} {
		_, err := Read(bytes.NewReader(data), int64(len(data)))
		assert.ErrorContains(t, err, "bundle is not a valid zip archive")
	}
}

func TestErrorFormat(t *testing.T) {
	e := &Error{}
	e.addf(entrySubject("a"), "first")
	assert.Equal(t, "invalid bundle: 1 problem:\n  - entry \"a\": first", e.Error())
	e.addf("", "second")
	assert.Equal(t, "invalid bundle: 2 problems:\n  - entry \"a\": first\n  - second", e.Error())
	assert.Len(t, e.Unwrap(), 2)
	assert.True(t, strings.HasPrefix(e.Unwrap()[0].Error(), "entry"))
}

func TestFormatSize(t *testing.T) {
	tests := []struct {
		n    uint64
		want string
	}{
		{0, "0 bytes"},
		{1023, "1023 bytes"},
		{1024, "1 KiB"},
		{1536, "1.5 KiB"},
		{MaxDirectUploadSize, "50 MiB"},
		{MaxEntrySize + 1, "250.1 MiB"},
		{MaxTotalSize, "1 GiB"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, formatSize(tt.n))
	}
}

// symlinkHeader returns the header of a stored symbolic link to target.
func symlinkHeader(name, target string) *zip.FileHeader {
	h := &zip.FileHeader{Name: name, Method: zip.Store, CRC32: crc32.ChecksumIEEE([]byte(target)),
		CompressedSize64: uint64(len(target)), UncompressedSize64: uint64(len(target))}
	h.SetMode(fs.ModeSymlink | 0o777)
	return h
}

// TestReadRejectsMultiEntryBombs covers bombs made of many entries that are
// each under the per-entry ratio check.
func TestReadRejectsMultiEntryBombs(t *testing.T) {
	t.Run("many small highly compressed entries", func(t *testing.T) {
		files := []zfile{{name: "manifest.json", data: testManifest(t, "main")}, pkg("main.zip")}
		for i := range 40 {
			files = append(files, zfile{name: fmt.Sprintf("static/z%d", i), data: make([]byte, RatioCheckMinSize)})
		}
		data := buildZip(t, files...)
		_, err := Read(bytes.NewReader(data), int64(len(data)))
		assert.ErrorContains(t, err, "the bundle unzips to 40.1 MiB from")
		assert.ErrorContains(t, err, "zip bomb")
	})
	t.Run("entries sharing data", func(t *testing.T) {
		data := buildZip(t, zfile{name: "manifest.json", data: testManifest(t, "main")}, pkg("main.zip"),
			zfile{name: "static/a.txt", data: []byte("same")}, zfile{name: "static/b.txt", data: []byte("same")})
		pointCentralRecord(t, data, "static/b.txt", "static/a.txt")
		_, err := Read(bytes.NewReader(data), int64(len(data)))
		assert.ErrorContains(t, err, `entry "static/b.txt": shares its data with entry "static/a.txt"`)
	})
}

// pointCentralRecord makes the central directory record of entry name
// point at the local header of entry target.
func pointCentralRecord(t *testing.T, data []byte, name, target string) {
	t.Helper()
	offsets := map[string]uint32{}
	patch := -1
	for i := 0; i+46 <= len(data); i++ {
		if string(data[i:i+4]) != "PK\x01\x02" {
			continue
		}
		n := int(data[i+28]) | int(data[i+29])<<8
		entry := string(data[i+46 : i+46+n])
		offsets[entry] = uint32(data[i+42]) | uint32(data[i+43])<<8 | uint32(data[i+44])<<16 | uint32(data[i+45])<<24
		if entry == name {
			patch = i + 42
		}
	}
	off, ok := offsets[target]
	require.True(t, ok && patch >= 0, "records for %q and %q", name, target)
	data[patch], data[patch+1], data[patch+2], data[patch+3] = byte(off), byte(off>>8), byte(off>>16), byte(off>>24)
}

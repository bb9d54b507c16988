package bundle

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
)

// FuzzRead checks that no input makes Read, Verify or ProvisionData panic,
// and that an accepted bundle is consistent.
func FuzzRead(f *testing.F) {
	if data, err := os.ReadFile(fixturePath); err == nil {
		f.Add(data)
	}
	f.Add(buildZip(f, zfile{name: "manifest.json", data: testManifest(f, "main")}, pkg("main.zip"),
		zfile{name: "static/a b.txt", data: []byte("x")}))
	f.Add(buildZip(f, zfile{name: "manifest.json", data: testManifest(f, "one", "bone")}, pkg("xbone.zip")))
	f.Add([]byte("PK\x05\x06" + string(make([]byte, 18))))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opts := range [][]Option{nil, {AllowS3Upload()}} {
			b, err := Read(bytes.NewReader(data), int64(len(data)), opts...)
			if err != nil {
				if b != nil || err.Error() == "" {
					t.Fatalf("bundle %v with error %q", b, err)
				}
				continue
			}
			checkAccepted(t, b)
		}
	})
}

func checkAccepted(t *testing.T, b *Bundle) {
	m := b.Manifest()
	if m == nil || m.AWSLambda == nil {
		t.Fatal("accepted bundle without an aws_lambda manifest")
	}
	if err := m.Validate(); err != nil {
		t.Fatalf("accepted bundle with invalid manifest: %v", err)
	}
	if got, want := len(b.Functions()), len(m.AWSLambda.Functions); got != want {
		t.Fatalf("%d packages for %d functions", got, want)
	}
	for _, p := range b.Functions() {
		want, err := awsnames.LambdaName(string(m.AppID), string(m.Version), p.Function.Name)
		if err != nil || p.LambdaName != want {
			t.Fatalf("package %q: Lambda name %q, want %q (%v)", p.Entry, p.LambdaName, want, err)
		}
	}
	for _, a := range b.StaticAssets() {
		if a.Key != awsnames.StaticKey(string(m.AppID), string(m.Version), a.Name) {
			t.Fatalf("asset %q has key %q", a.Name, a.Key)
		}
	}
	if _, err := json.Marshal(b.ProvisionData()); err != nil {
		t.Fatalf("marshal provisioning data: %v", err)
	}
	_ = b.Verify() // may fail on lying headers; must not panic
}

// FuzzReadBuilt builds well-formed zips from fuzzed entry names and
// manifest, so that the fuzzer reaches the name, matching and manifest
// checks that random bytes rarely get past.
func FuzzReadBuilt(f *testing.F) {
	f.Add(testManifest(f, "function1", "function with spaces"), "function1.zip\nlegacy-function with spaces.jar\nstatic/a b.png", []byte("x"))
	f.Add(testManifest(f, "one", "bone"), "xbone.zip\nstatic/../x\n/abs\nstatic/img/a.png", []byte(""))
	f.Add([]byte(`{"app_id":"abc","display_name":"A","homepage_url":"https://x","aws_lambda":{}}`), "abc.zip\n__MACOSX/._abc.zip", []byte("PK"))
	f.Fuzz(func(t *testing.T, manifest []byte, names string, content []byte) {
		files := []zfile{{name: "manifest.json", data: manifest}}
		for i, name := range strings.Split(names, "\n") {
			if i >= 20 {
				break
			}
			files = append(files, zfile{name: name, data: content})
		}
		var buf bytes.Buffer
		w := zip.NewWriter(&buf)
		for _, zf := range files {
			fw, err := w.Create(zf.name)
			if err != nil {
				return // names the zip writer itself refuses
			}
			if _, err := fw.Write(zf.data); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		b, err := Read(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		checkAccepted(t, b)
		for _, a := range b.StaticAssets() {
			if err := apps.ValidateStaticName(a.Name); err != nil {
				t.Fatalf("accepted asset %q: %v", a.Entry, err)
			}
		}
		for _, p := range b.Functions() {
			if strings.HasPrefix(p.Entry, "/") || strings.Contains(p.Entry, "..") || strings.Contains(p.Entry, `\`) {
				t.Fatalf("accepted unsafe package entry %q", p.Entry)
			}
		}
		if err := b.Verify(); err != nil {
			t.Fatalf("well-formed bundle fails verification: %v", err)
		}
	})
}

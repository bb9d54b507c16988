package apps

import (
	"encoding/json"
	"errors"
	"os"
	"testing"
)

func FuzzDecodeManifest(f *testing.F) {
	if data, err := os.ReadFile("testdata/hello-serverless.json"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`{"app_id":"abc","display_name":"x","homepage_url":"https://x","http":{}}`))
	f.Add([]byte(`{"on_install":"/i","bindings":{"expand":{"channel":"+all"}}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeManifest(data)
		var invalid *ValidationError
		switch {
		case err == nil:
			if m == nil {
				t.Fatal("nil manifest without error")
			}
		case errors.As(err, &invalid):
			if m == nil || len(invalid.Problems) == 0 {
				t.Fatalf("validation error without manifest or problems: %v", err)
			}
			return
		default:
			if m != nil {
				t.Fatalf("manifest returned with decode error %v", err)
			}
			return
		}
		// A valid manifest re-encodes to a valid manifest, stably.
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("marshal valid manifest: %v", err)
		}
		m2, err := DecodeManifest(out)
		if err != nil {
			t.Fatalf("re-decode %s: %v", out, err)
		}
		out2, err := json.Marshal(m2)
		if err != nil {
			t.Fatalf("marshal re-decoded manifest: %v", err)
		}
		if string(out) != string(out2) {
			t.Fatalf("round trip changed the manifest:\n%s\n%s", out, out2)
		}
		_ = m.DeployTypes()
		_ = m.BindingsCall()
	})
}

func FuzzCompareVersions(f *testing.F) {
	f.Add("1.0.0", "1.0.0-rc.1", "v2")
	f.Add("1.10", "1.9", "1.5z")
	f.Add("", "dev", "0")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		ab, ba := CompareVersions(a, b), CompareVersions(b, a)
		if ab != -ba {
			t.Fatalf("not antisymmetric: %q vs %q: %d, %d", a, b, ab, ba)
		}
		if (ab == 0) != (a == b) {
			t.Fatalf("%q and %q compare %d", a, b, ab)
		}
		if ab < 0 && CompareVersions(b, c) < 0 && CompareVersions(a, c) >= 0 {
			t.Fatalf("not transitive: %q < %q < %q", a, b, c)
		}
	})
}

package bindings

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
)

const base = "https://mm.test/plugins/lambda-apps/api/v1/apps/hello/static/"

func decode(t *testing.T, s string) []apps.Binding {
	t.Helper()
	var b []apps.Binding
	require.NoError(t, json.Unmarshal([]byte(s), &b))
	return b
}

func TestCleanKeepsValidBindings(t *testing.T) {
	in := decode(t, `[
	  {"location":"/command","bindings":[{"label":"hello","icon":"icon.png","bindings":[
	    {"label":"greet","submit":{"path":"/greet"}},
	    {"label":"survey","form":{"icon":"img/f.png","submit":{"path":"/s"}}}]}]},
	  {"location":"/channel_header","bindings":[{"location":"send","label":"Say hello","icon":"https://cdn.test/i.png","submit":{"path":"/greet"}}]},
	  {"location":"/post_menu","bindings":[{"location":"echo","label":"Echo","icon":"data:image/png;base64,AAA","submit":{"path":"/echo"}}]}
	]`)
	out, problems := Clean("hello", []apps.Location{"/command", "/channel_header", "/post_menu"}, base, in)
	assert.Empty(t, problems)
	require.Len(t, out, 3)

	cmd := out[0]
	assert.Equal(t, apps.LocationCommand, cmd.Location)
	hello := cmd.Bindings[0]
	assert.Equal(t, apps.AppID("hello"), hello.AppID)
	assert.Equal(t, apps.Location("hello"), hello.Location, "location defaults to the label")
	assert.Equal(t, base+"icon.png", hello.Icon)
	assert.Equal(t, base+"img/f.png", hello.Bindings[1].Form.Icon)
	assert.Equal(t, "https://cdn.test/i.png", out[1].Bindings[0].Icon)
	assert.Equal(t, "data:image/png;base64,AAA", out[2].Bindings[0].Icon)
}

func TestCleanDropsInvalidBindings(t *testing.T) {
	tests := []struct {
		name, json, reason string
		granted            []apps.Location
	}{
		{"unknown top", `[{"location":"/app_shelf","bindings":[{"label":"x","submit":{"path":"/x"}}]}]`, "unknown top-level location", nil},
		{"not granted", `[{"location":"/post_menu","bindings":[{"label":"x","submit":{"path":"/x"}}]}]`, "not granted", []apps.Location{"/command"}},
		{"granted deeper only", `[{"location":"/command","bindings":[{"label":"other","submit":{"path":"/x"}}]}]`, "not granted", []apps.Location{"/command/hello"}},
		{"two words", `[{"location":"/command","bindings":[{"label":"two words","submit":{"path":"/x"}}]}]`, "must be one word", nil},
		{"flag-like", `[{"location":"/command","bindings":[{"label":"--x","submit":{"path":"/x"}}]}]`, "must be one word", nil},
		{"no label", `[{"location":"/channel_header","bindings":[{"location":"a","submit":{"path":"/x"}}]}]`, "needs a label", nil},
		{"submit and form", `[{"location":"/channel_header","bindings":[{"label":"a","submit":{"path":"/x"},"form":{}}]}]`, "exactly one of", nil},
		{"nothing", `[{"location":"/channel_header","bindings":[{"label":"a"}]}]`, "exactly one of", nil},
		{"relative submit", `[{"location":"/channel_header","bindings":[{"label":"a","submit":{"path":"x"}}]}]`, "must start with /", nil},
		{"slash in location", `[{"location":"/channel_header","bindings":[{"location":"a/b","label":"a","submit":{"path":"/x"}}]}]`, "one path segment", nil},
		{"duplicate", `[{"location":"/command","bindings":[{"label":"a","submit":{"path":"/x"}},{"label":"A","location":"b","submit":{"path":"/y"}}]}]`, "duplicate command", nil},
		{"empty parent", `[{"location":"/command","bindings":[{"label":"a","bindings":[{"label":"b c","submit":{"path":"/x"}}]}]}]`, "no valid sub-bindings", nil},
	}
	all := []apps.Location{"/command", "/channel_header", "/post_menu", "/in_post"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			granted := tt.granted
			if granted == nil {
				granted = all
			}
			out, problems := Clean("hello", granted, base, decode(t, tt.json))
			require.NotEmpty(t, problems)
			assert.Contains(t, problems[len(problems)-1].Reason, tt.reason)
			for _, top := range out {
				for _, b := range top.Bindings {
					assert.NotEqual(t, "two words", b.Label)
				}
			}
		})
	}
}

func TestCleanIcons(t *testing.T) {
	c := &cleaner{iconBase: base}
	assert.Equal(t, base+"a%20b.png", c.icon("a b.png"))
	assert.Empty(t, c.icon("../secret"))
	assert.Empty(t, c.icon("/abs.png"))
	assert.Empty(t, c.icon("javascript:alert(1)"))
}

func TestMerge(t *testing.T) {
	a := []apps.Binding{{Location: "/post_menu", Bindings: []apps.Binding{{AppID: "zeta", Label: "z"}}}}
	b := []apps.Binding{
		{Location: "/post_menu", Bindings: []apps.Binding{{AppID: "alpha", Label: "a"}}},
		{Location: "/channel_header", Bindings: []apps.Binding{{AppID: "alpha", Label: "h"}}},
	}
	out := Merge(a, b)
	require.Len(t, out, 2)
	assert.Equal(t, apps.LocationChannelHeader, out[0].Location)
	assert.Equal(t, []apps.AppID{"alpha", "zeta"}, []apps.AppID{out[1].Bindings[0].AppID, out[1].Bindings[1].AppID})
}

func BenchmarkClean(b *testing.B) {
	var in []apps.Binding
	require.NoError(b, json.Unmarshal([]byte(`[
	  {"location":"/command","bindings":[{"label":"hello","icon":"icon.png","bindings":[
	    {"label":"greet","submit":{"path":"/greet"}},{"label":"survey","form":{"submit":{"path":"/s"}}}]}]},
	  {"location":"/channel_header","bindings":[{"location":"send","label":"Say hello","icon":"icon.png","submit":{"path":"/greet"}}]},
	  {"location":"/post_menu","bindings":[{"location":"echo","label":"Echo","submit":{"path":"/echo"}}]}]`), &in))
	granted := []apps.Location{"/command", "/channel_header", "/post_menu"}
	for range b.N {
		if out, problems := Clean("hello", granted, base, in); len(out) != 3 || len(problems) != 0 {
			b.Fatal(out, problems)
		}
	}
}

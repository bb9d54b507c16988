package apps

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestHasPathPrefix(t *testing.T) {
	tests := []struct {
		p, prefix string
		want      bool
	}{
		{"/a", "/a", true},
		{"/a/b", "/a", true},
		{"/ab", "/a", false},
		{"/a", "/a/", true},
		{"/a/", "/a", true},
		{"/b", "/a", false},
		{"/anything/at/all", "/", true},
		{"/", "/", true},
		{"/a", "", false},
		{"/a/b/c", "/a/b", true},
		{"/a/bc", "/a/b", false},
		{"/a", "/a/b", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, HasPathPrefix(tt.p, tt.prefix), "HasPathPrefix(%q, %q)", tt.p, tt.prefix)
	}
}

func TestLocationIn(t *testing.T) {
	granted := []Location{LocationCommand, "/channel_header/", "/post_menu/item"}
	tests := []struct {
		l    Location
		want bool
	}{
		{"/command", true},
		{"/command/trigger", true},
		{"/command/trigger/sub", true},
		{"/commands", false},
		{"/channel_header", true},
		{"/channel_header/button", true},
		{"/post_menu", false},
		{"/post_menu/item", true},
		{"/post_menu/item2", false},
		{"/in_post", false},
		{"", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.l.In(granted), "%q.In(%q)", tt.l, granted)
	}
	assert.False(t, Location("/command").In(nil))
	assert.False(t, Location("/command").In([]Location{""}), "an empty grant must grant nothing")
	assert.True(t, Location("/in_post").In([]Location{"/"}))
}

func TestLocationSub(t *testing.T) {
	tests := []struct {
		l, sub, want Location
	}{
		{"/command", "trigger", "/command/trigger"},
		{"/command/", "/trigger", "/command/trigger"},
		{"/command", "", "/command"},
		{"", "/command", "/command"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.l.Sub(tt.sub))
	}
}

func TestValidateStaticName(t *testing.T) {
	tests := []struct {
		name    string
		wantErr string
	}{
		{"icon.png", ""},
		{"img/logo.png", ""},
		{"static file with spaces.txt", ""},
		{"", "must not be empty"},
		{"/etc/passwd", "must be relative"},
		{"../secret", `".."`},
		{"img/../../secret", `".."`},
		{`img\logo.png`, "separator"},
		{"img//logo.png", "clean path"},
		{"./logo.png", "clean path"},
		{"img/", "clean path"},
		{"https://example.com/icon.png", "not a URL"},
		{"a\x00b", "control characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateStaticName(tt.name)
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func TestPermissionsContains(t *testing.T) {
	ps := Permissions{PermissionActAsBot, PermissionRemoteWebhooks}
	assert.True(t, ps.Contains(PermissionActAsBot))
	assert.True(t, ps.Contains(PermissionRemoteWebhooks))
	assert.False(t, ps.Contains(PermissionActAsUser))
	assert.False(t, Permissions(nil).Contains(PermissionActAsBot))
}

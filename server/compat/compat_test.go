package compat

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/lambda-apps/lambda-apps/apps"
)

func TestForApp(t *testing.T) {
	p := Policy{
		SiteURL: func() string { return "https://mm.example.com/sub/" },
		Native:  func(id apps.AppID) bool { return id == "native" },
	}
	tests := []struct {
		id                apps.AppID
		wantSite, wantApp string
	}{
		{"zendesk", "https://mm.example.com/sub/plugins/lambda-apps/compat", "/plugins/com.mattermost.apps/apps/zendesk"},
		{"native", "https://mm.example.com/sub", "/plugins/lambda-apps/apps/native"},
	}
	for _, tt := range tests {
		t.Run(string(tt.id), func(t *testing.T) {
			site, appPath := p.ForApp(tt.id)
			assert.Equal(t, tt.wantSite, site)
			assert.Equal(t, tt.wantApp, appPath)
			// What the original drivers build from the two values lands on
			// a route the plugin serves.
			if tt.id == "zendesk" {
				assert.Equal(t, "https://mm.example.com/sub/plugins/lambda-apps/compat/plugins/com.mattermost.apps/api/v1/kv/x", site+OldPluginPath+"/api/v1/kv/x")
			}
		})
	}
	assert.Equal(t, "https://mm.example.com/sub/plugins/lambda-apps/compat", Policy{SiteURL: p.SiteURL}.mustSite("x"))
}

func (p Policy) mustSite(id apps.AppID) string {
	s, _ := p.ForApp(id)
	return s
}

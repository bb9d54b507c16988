package appcmd

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNavigationLinks(t *testing.T) {
	s := &Service{Deps: Deps{SiteURL: func() string { return "https://chat.example.com" }}}
	tests := []struct {
		raw, url, text, err string
	}{
		{"https://chat.example.com/team/channels/x", "https://chat.example.com/team/channels/x", "https://chat.example.com/team/channels/x", ""},
		{"/team/channels/x", "/team/channels/x", "/team/channels/x", ""},
		{"https://pagerduty.example/incidents/1", "https://pagerduty.example/incidents/1", "external link https://pagerduty.example/incidents/1 (outside Mattermost)", ""},
		{"http://chat.example.com/x", "http://chat.example.com/x", "external link http://chat.example.com/x (outside Mattermost)", ""},
		{"javascript:alert(1)", "", "", "not http(s)"},
		{"data:text/html,<script>x</script>", "", "", "not http(s)"},
		{"//evil.example/x", "", "", "not http(s)"},
		{"relative/path", "", "", "not http(s)"},
		{"", "", "", "not a URL"},
	}
	for _, tt := range tests {
		l, err := s.navigation(tt.raw)
		if tt.err != "" {
			assert.ErrorContains(t, err, tt.err, tt.raw)
			continue
		}
		assert.NoError(t, err, tt.raw)
		assert.Equal(t, link{url: tt.url, text: tt.text}, l, tt.raw)
	}
}

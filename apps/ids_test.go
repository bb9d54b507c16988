package apps

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAppIDValidate(t *testing.T) {
	tests := []struct {
		id      AppID
		wantErr string
	}{
		{"abc", ""},
		{AppID(strings.Repeat("a", 32)), ""},
		{"com.mattermost.app-0.9", ""},
		{"CAPS-ARE-FINE", ""},
		{"under_score", ""},
		{"", "is required"},
		{"ab", "must be 3-32 characters"},
		{AppID(strings.Repeat("a", 33)), "must be 3-32 characters"},
		{"../path", "invalid character '/'"},
		{"/etc/passwd", "invalid character '/'"},
		{"....DOTS.ALSO.......", `must not contain ".."`},
		{"a..b", `must not contain ".."`},
		{"has space", "invalid character ' '"},
		{"ünicode", "invalid character"},
		{"semi;colon", "invalid character ';'"},
	}
	for _, tt := range tests {
		t.Run(string(tt.id), func(t *testing.T) {
			err := tt.id.Validate()
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func TestAppVersionValidate(t *testing.T) {
	tests := []struct {
		version AppVersion
		wantErr string
	}{
		{"", ""},
		{"0.1.0", ""},
		{"v1.2.0", ""},
		{"1.0.0-rc1", ""},
		{"v00_00_000", ""},
		{"v00_00_0000", "at most 10 characters"},
		{"1/2", "invalid character '/'"},
		{"1..2", `must not contain ".."`},
		{"1.0+b", "invalid character '+'"},
	}
	for _, tt := range tests {
		t.Run(string(tt.version), func(t *testing.T) {
			err := tt.version.Validate()
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

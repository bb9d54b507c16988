package invokepolicy

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestVersionsToDelete(t *testing.T) {
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	tests := []struct {
		name     string
		versions []Version
		want     []string
	}{
		{name: "no versions", want: nil},
		{name: "room left", versions: []Version{{"v1", false, at(1)}, {"v2", true, at(2)}}, want: nil},
		{name: "four versions leave room for a fifth", versions: []Version{
			{"v1", false, at(1)}, {"v2", false, at(2)}, {"v3", false, at(3)}, {"v4", true, at(4)},
		}, want: nil},
		{name: "five versions: the oldest non-default goes", versions: []Version{
			{"v3", false, at(3)}, {"v5", true, at(5)}, {"v1", false, at(1)}, {"v4", false, at(4)}, {"v2", false, at(2)},
		}, want: []string{"v1"}},
		{name: "the oldest is the default: it stays", versions: []Version{
			{"v1", true, at(1)}, {"v2", false, at(2)}, {"v3", false, at(3)}, {"v4", false, at(4)}, {"v5", false, at(5)},
		}, want: []string{"v2"}},
		{name: "equal times: lower version number first", versions: []Version{
			{"v10", false, at(1)}, {"v9", false, at(1)}, {"v11", false, at(1)}, {"v12", false, at(1)}, {"v13", true, at(1)},
		}, want: []string{"v9"}},
		{name: "more than the limit (limit lowered)", versions: []Version{
			{"v1", false, at(1)}, {"v2", false, at(2)}, {"v3", false, at(3)}, {"v4", false, at(4)}, {"v5", false, at(5)},
			{"v6", false, at(6)}, {"v7", true, at(7)},
		}, want: []string{"v1", "v2", "v3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, VersionsToDelete(tt.versions, MaxVersions))
		})
	}
}

package command

import (
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/assert"
)

func TestAppIDs(t *testing.T) {
	h := adminHandler(&fakeLifecycle{}, &[]model.OpenDialogRequest{})
	ids := func(user, kind string) []string {
		out := []string{}
		for _, it := range h.AppIDs(user, kind) {
			out = append(out, it.Item)
		}
		return out
	}
	assert.Equal(t, []string{"hello", "fresh"}, ids("admin", "installable"), "upgrades and new apps, not unsupported ones")
	assert.Equal(t, []string{"hello"}, ids("admin", "installed"))
	assert.Equal(t, []string{"hello"}, ids("admin", "enabled"))
	assert.Empty(t, ids("admin", "disabled"))
	assert.Empty(t, ids("admin", "nonsense"))
	assert.Empty(t, ids("user", "installed"), "only admins")
}

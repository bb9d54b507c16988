package command

import (
	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/apps"
)

// AppIDs lists the app IDs of a kind for the autocomplete of the /apps
// sub-commands: "installable" (listed, supported, newer than installed),
// "installed", "enabled" or "disabled". Only system admins get any.
func (h *Handler) AppIDs(userID, kind string) []model.AutocompleteListItem {
	items := []model.AutocompleteListItem{}
	a := h.deps.Admin
	if a == nil || !h.deps.IsSystemAdmin(userID) {
		return items
	}
	installed := map[apps.AppID]apps.AppVersion{}
	for _, app := range a.Installed() {
		installed[app.ID()] = app.Manifest.Version
	}
	if kind == "installable" {
		for _, l := range a.Listed() {
			have, ok := installed[l.AppID]
			if l.Supported && (!ok || apps.CompareVersions(string(l.Version), string(have)) > 0) {
				items = append(items, model.AutocompleteListItem{Item: string(l.AppID), Hint: string(l.Version), HelpText: l.DisplayName})
			}
		}
		return items
	}
	for _, app := range a.Installed() {
		if kind == "installed" || (kind == "enabled" && app.Enabled()) || (kind == "disabled" && !app.Enabled()) {
			items = append(items, model.AutocompleteListItem{Item: string(app.ID()), Hint: string(app.Manifest.Version), HelpText: app.Manifest.DisplayName})
		}
	}
	return items
}

package command

import (
	"fmt"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/dialog"
)

var permissionText = map[apps.Permission]string{
	apps.PermissionActAsBot:                      "act as its own bot account (post messages, use the REST API as @bot)",
	apps.PermissionActAsUser:                     "act on behalf of the users who use it (use the REST API as them)",
	apps.PermissionRemoteOAuth2:                  "connect users' accounts on a remote service (OAuth2)",
	apps.PermissionRemoteWebhooks:                "receive webhooks from a remote service",
	apps.PermissionUserJoinedChannelNotification: "be told when users join channels",
}

func permissionWords(perms []apps.Permission) []string {
	var out []string
	for _, p := range perms {
		if t, ok := permissionText[p]; ok {
			out = append(out, t)
		} else {
			out = append(out, fmt.Sprintf("%q (a permission this plugin does not know)", p))
		}
	}
	return out
}

func locationWords(locs []apps.Location) []string {
	var out []string
	for _, l := range locs {
		switch {
		case l == apps.LocationCommand:
			out = append(out, "add slash commands")
		case l.IsUnder(apps.LocationCommand):
			out = append(out, fmt.Sprintf("add the slash command `/%s`", strings.TrimPrefix(string(l), string(apps.LocationCommand)+"/")))
		case l.IsUnder(apps.LocationChannelHeader):
			out = append(out, "add buttons to channel headers")
		case l.IsUnder(apps.LocationPostMenu):
			out = append(out, "add items to the post menu")
		case l.IsUnder(apps.LocationInPost):
			out = append(out, "add buttons to its posts")
		case l.IsUnder(apps.LocationAppBar):
			out = append(out, "add a button to the App Bar")
		default:
			out = append(out, fmt.Sprintf("use the location `%s`", l))
		}
	}
	return out
}

// ConsentText is the markdown that asks the admin's consent.
func ConsentText(m *apps.Manifest) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** (`%s` %s)", m.DisplayName, m.AppID, m.Version)
	if m.Description != "" {
		b.WriteString(": " + m.Description)
	}
	fmt.Fprintf(&b, "\n\nHomepage: %s", m.HomepageURL)
	perms, locs := permissionWords(m.RequestedPermissions), locationWords(m.RequestedLocations)
	if len(perms)+len(locs) == 0 {
		b.WriteString("\n\nThe app asks for no permissions and adds nothing to the user interface.")
		return b.String()
	}
	b.WriteString("\n\nInstalling lets the app:")
	for _, w := range append(perms, locs...) {
		b.WriteString("\n- " + w)
	}
	return b.String()
}

// ConsentDialog is the interactive dialog that installs an app, and the
// state its submission must come back with (sealed by the caller).
func ConsentDialog(m *apps.Manifest) (model.Dialog, dialog.State, error) {
	st := dialog.State{Kind: dialog.KindConsent, Where: dialog.Where{AppID: m.AppID}, Version: m.Version}
	title := "Install " + m.DisplayName
	if len(title) > model.DialogTitleMaxLength {
		title = "Install app"
	}
	d := model.Dialog{
		CallbackId:       string(m.AppID),
		Title:            title,
		IntroductionText: ConsentText(m),
		SubmitLabel:      "Install",
	}
	if asksForConsent(m) {
		d.Elements = []model.DialogElement{{
			Name: "consent", Type: "bool", DisplayName: "Consent",
			Placeholder: "I agree to give the app these permissions",
		}}
	}
	return d, st, d.IsValid()
}

// asksForConsent reports whether installing m grants anything: then the
// consent dialog has a box the admin must check.
func asksForConsent(m *apps.Manifest) bool {
	return len(m.RequestedPermissions)+len(m.RequestedLocations) > 0
}

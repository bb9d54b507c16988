package command

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/catalog"
	"github.com/lambda-apps/lambda-apps/server/dialog"
	"github.com/lambda-apps/lambda-apps/server/install"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// Lifecycle is the app lifecycle the admin sub-commands drive.
type Lifecycle interface {
	Manifest(appID apps.AppID, version apps.AppVersion) (*apps.Manifest, error)
	Install(ctx context.Context, req install.Request) (*install.Result, error)
	Uninstall(ctx context.Context, appID apps.AppID, actingUserID string) (*install.Result, error)
	Enable(ctx context.Context, appID apps.AppID, actingUserID string) (*install.Result, error)
	Disable(ctx context.Context, appID apps.AppID, actingUserID string) (*install.Result, error)
}

// AdminDeps are what the admin sub-commands need; all are required.
type AdminDeps struct {
	Lifecycle Lifecycle
	Listed    func() []catalog.AppView
	Installed func() []*store.InstalledApp
	Triggers  func(appID apps.AppID) []string
	// OpenDialog opens an interactive dialog (the install consent).
	OpenDialog func(req model.OpenDialogRequest) error
	// Sealer seals the consent dialog's state for the admin who opens it.
	Sealer *dialog.Sealer
	// Post sends an ephemeral post to a user (the outcome of an install).
	Post func(userID string, post *model.Post)
	// DialogURL receives dialog submissions; AutocompleteURL + "/<kind>"
	// lists app IDs for autocomplete.
	DialogURL, AutocompleteURL string
}

func (h *Handler) addAdmin() {
	a := h.deps.Admin
	if a == nil {
		return
	}
	h.add(&subcommand{name: "install", hint: "listed [app_id] [--version v]", admin: true,
		help: "List the apps that can be installed, or install one (asks for consent).", run: h.installListed,
		ac: func(sub *model.AutocompleteData) {
			listed := model.NewAutocompleteData("listed", "[app_id] [--version v]", "Apps deployed to AWS that can be installed")
			listed.AddDynamicListArgument("App to install", a.AutocompleteURL+"/installable", false)
			sub.AddCommand(listed)
		}})
	h.add(&subcommand{name: "list", admin: true, help: "List installed and listed apps.", run: h.list})
	for _, step := range []struct{ name, help, kind string }{
		{"uninstall", "Uninstall an app (runs its on_uninstall, deactivates its bot, deletes its data).", "installed"},
		{"enable", "Enable a disabled app.", "disabled"},
		{"disable", "Disable an app: it gets no calls until enabled again.", "enabled"},
	} {
		h.add(&subcommand{name: step.name, hint: "<app_id>", help: step.help, admin: true, run: h.lifecycleStep(step.name),
			ac: func(sub *model.AutocompleteData) {
				sub.AddDynamicListArgument("App", a.AutocompleteURL+"/"+step.kind, true)
			}})
	}
}

// installable lists listed apps that are not installed, or installed at an
// older version.
func (h *Handler) installable() []catalog.AppView {
	installed := map[apps.AppID]apps.AppVersion{}
	for _, a := range h.deps.Admin.Installed() {
		installed[a.ID()] = a.Manifest.Version
	}
	var out []catalog.AppView
	for _, l := range h.deps.Admin.Listed() {
		v, ok := installed[l.AppID]
		if l.Supported && (!ok || apps.CompareVersions(string(l.Version), string(v)) > 0) {
			out = append(out, l)
		}
	}
	return out
}

func (h *Handler) installListed(ctx context.Context, args *model.CommandArgs, rest []string) (*model.CommandResponse, error) {
	if len(rest) == 0 || !strings.EqualFold(rest[0], "listed") {
		return nil, errors.New("usage: `/apps install listed [app_id] [--version v]`")
	}
	rest = rest[1:]
	if len(rest) == 0 {
		return ephemeral(h.installableText()), nil
	}
	appID := apps.AppID(rest[0])
	var version apps.AppVersion
	switch {
	case len(rest) == 3 && rest[1] == "--version":
		version = apps.AppVersion(rest[2])
	case strings.HasPrefix(strings.Join(rest[1:], " "), "--version="):
		version = apps.AppVersion(strings.TrimPrefix(rest[1], "--version="))
	case len(rest) != 1:
		return nil, errors.New("usage: `/apps install listed <app_id> [--version v]`")
	}
	m, err := h.deps.Admin.Lifecycle.Manifest(appID, version)
	if err != nil {
		return nil, err
	}
	if args.TriggerId == "" {
		return nil, errors.New("this client cannot show the consent dialog; use the REST API (POST /plugins/lambda-apps/api/v1/install-app)")
	}
	d, st, err := ConsentDialog(m)
	if err != nil {
		return nil, err
	}
	st.ChannelID = args.ChannelId // where the outcome is posted
	if d.State, err = h.deps.Admin.Sealer.Seal(args.UserId, st); err != nil {
		return nil, fmt.Errorf("could not open the consent dialog: %w", err)
	}
	if err := h.deps.Admin.OpenDialog(model.OpenDialogRequest{TriggerId: args.TriggerId, URL: h.deps.Admin.DialogURL, Dialog: d}); err != nil {
		return nil, fmt.Errorf("could not open the consent dialog: %w", err)
	}
	return &model.CommandResponse{}, nil
}

func (h *Handler) installableText() string {
	list := h.installable()
	if len(list) == 0 {
		return "No apps to install. Deploy one with `appsctl aws deploy <bundle.zip>`, then run `/apps refresh`."
	}
	var b strings.Builder
	b.WriteString("#### Apps you can install\n\n| App | ID | Version | Description | Asks for |\n|:--|:--|:--|:--|:--|\n")
	for _, a := range list {
		asks := append(permissionWords(a.RequestedPermissions), locationWords(a.RequestedLocations)...)
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s |\n", cell(a.DisplayName), a.AppID, a.Version, cell(a.Description), cell(strings.Join(asks, "; ")))
	}
	b.WriteString("\nInstall one with `/apps install listed <app_id>`.")
	return b.String()
}

func (h *Handler) list(context.Context, *model.CommandArgs, []string) (*model.CommandResponse, error) {
	a := h.deps.Admin
	listed := map[apps.AppID]catalog.AppView{}
	for _, l := range a.Listed() {
		listed[l.AppID] = l
	}
	var b strings.Builder
	installed := a.Installed()
	b.WriteString("#### Installed apps\n\n")
	if len(installed) == 0 {
		b.WriteString("None yet.\n")
	} else {
		b.WriteString("| App | ID | Status | Version | Bot | Commands |\n|:--|:--|:--|:--|:--|:--|\n")
		for _, app := range installed {
			status := "Enabled"
			if !app.Enabled() {
				status = "Disabled"
			}
			version := string(app.Manifest.Version)
			if l, ok := listed[app.ID()]; ok && apps.CompareVersions(string(l.Version), version) > 0 {
				version += fmt.Sprintf(" (%s listed: `/apps install listed %s`)", l.Version, app.ID())
			} else if !ok {
				version += " (no longer listed)"
			}
			var cmds []string
			for _, t := range a.Triggers(app.ID()) {
				cmds = append(cmds, "`/"+t+"`")
			}
			fmt.Fprintf(&b, "| %s | `%s` | %s | %s | @%s | %s |\n", cell(app.Manifest.DisplayName), app.ID(), status, cell(version), app.BotUsername, strings.Join(cmds, " "))
		}
	}
	var notInstalled []catalog.AppView
	done := map[apps.AppID]bool{}
	for _, app := range installed {
		done[app.ID()] = true
	}
	for _, l := range a.Listed() {
		if !done[l.AppID] {
			notInstalled = append(notInstalled, l)
		}
	}
	sort.Slice(notInstalled, func(i, j int) bool { return notInstalled[i].AppID < notInstalled[j].AppID })
	b.WriteString("\n#### Listed, not installed\n\n")
	if len(notInstalled) == 0 {
		b.WriteString("None.\n")
	} else {
		b.WriteString("| App | ID | Version | Deploy types |\n|:--|:--|:--|:--|\n")
		for _, l := range notInstalled {
			types := []string{}
			for _, t := range l.DeployTypes {
				types = append(types, string(t))
			}
			note := ""
			if !l.Supported {
				note = " (unsupported: no aws_lambda)"
			}
			fmt.Fprintf(&b, "| %s | `%s` | %s | %s%s |\n", cell(l.DisplayName), l.AppID, l.Version, strings.Join(types, ", "), note)
		}
	}
	return ephemeral(b.String()), nil
}

func (h *Handler) lifecycleStep(step string) func(context.Context, *model.CommandArgs, []string) (*model.CommandResponse, error) {
	return func(ctx context.Context, args *model.CommandArgs, rest []string) (*model.CommandResponse, error) {
		if len(rest) != 1 {
			return nil, fmt.Errorf("usage: `/apps %s <app_id>`", step)
		}
		id := apps.AppID(rest[0])
		lc := h.deps.Admin.Lifecycle
		var res *install.Result
		var err error
		switch step {
		case "uninstall":
			res, err = lc.Uninstall(ctx, id, args.UserId)
		case "enable":
			res, err = lc.Enable(ctx, id, args.UserId)
		default:
			res, err = lc.Disable(ctx, id, args.UserId)
		}
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("app `%s` is not installed (see `/apps list`)", id)
		}
		if err != nil {
			return nil, err
		}
		return ephemeral(strings.Join(res.Messages, "\n\n")), nil
	}
}

// SubmitConsent installs the app of a consent dialog that an admin
// submitted; st is the dialog's state, already unsealed (so it was issued to
// this user by this plugin). The outcome is posted to the admin.
func (h *Handler) SubmitConsent(ctx context.Context, userID string, st dialog.State, req *model.SubmitDialogRequest) *model.SubmitDialogResponse {
	if st.Kind != dialog.KindConsent {
		return &model.SubmitDialogResponse{Error: "This is not an install dialog."}
	}
	if req.Cancelled {
		return &model.SubmitDialogResponse{}
	}
	if !h.deps.IsSystemAdmin(userID) {
		return &model.SubmitDialogResponse{Error: "Only system administrators can install apps."}
	}
	if st.Version == "" {
		return &model.SubmitDialogResponse{Error: "This install dialog does not say which version it installs; run `/apps install listed " + string(st.AppID) + "` again."}
	}
	// The dialog showed what this version asks for (ConsentDialog), with a
	// box to check when it asks for anything.
	m, err := h.deps.Admin.Lifecycle.Manifest(st.AppID, st.Version)
	if err != nil {
		return &model.SubmitDialogResponse{Error: "Install failed: " + err.Error()}
	}
	if asksForConsent(m) && req.Submission["consent"] != true {
		return &model.SubmitDialogResponse{Errors: map[string]string{"consent": "Check the box to agree, or cancel."}}
	}
	// The submission is the admin's consent to what the dialog showed: what
	// this version's manifest requests (Grant), also on an upgrade that asks
	// for more than the installed version was granted.
	res, err := h.deps.Admin.Lifecycle.Install(ctx, install.Request{AppID: st.AppID, Version: st.Version, ActingUserID: userID, Grant: true})
	if err != nil {
		return &model.SubmitDialogResponse{Error: "Install failed: " + err.Error()}
	}
	if res != nil && res.App != nil && h.deps.Admin.Post != nil {
		h.deps.Admin.Post(userID, &model.Post{
			UserId: res.App.BotUserID, ChannelId: st.ChannelID, Message: strings.Join(res.Messages, "\n\n"),
		})
	}
	return &model.SubmitDialogResponse{}
}

func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

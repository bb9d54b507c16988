package command

import (
	"context"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/catalog"
	"github.com/lambda-apps/lambda-apps/server/dialog"
	"github.com/lambda-apps/lambda-apps/server/install"
	"github.com/lambda-apps/lambda-apps/server/status"
	"github.com/lambda-apps/lambda-apps/server/store"
)

type fakeLifecycle struct {
	installed []install.Request
	steps     []string
}

func (f *fakeLifecycle) Manifest(id apps.AppID, v apps.AppVersion) (*apps.Manifest, error) {
	if id != "hello" {
		return nil, install.ErrNotListed
	}
	return &apps.Manifest{AppID: id, Version: "2.0.0", DisplayName: "Hello", HomepageURL: "https://e.com",
		RequestedPermissions: apps.Permissions{apps.PermissionActAsBot}, RequestedLocations: apps.Locations{"/command/hello", "/post_menu"}}, nil
}

func (f *fakeLifecycle) Install(_ context.Context, r install.Request) (*install.Result, error) {
	f.installed = append(f.installed, r)
	return &install.Result{App: &store.InstalledApp{BotUserID: "bot"}, Messages: []string{"Installed app `hello`."}}, nil
}

func (f *fakeLifecycle) step(name string, id apps.AppID) (*install.Result, error) {
	f.steps = append(f.steps, name+" "+string(id))
	if id != "hello" {
		return nil, store.ErrNotFound
	}
	return &install.Result{Messages: []string{name + " done"}}, nil
}

func (f *fakeLifecycle) Uninstall(_ context.Context, id apps.AppID, _ string) (*install.Result, error) {
	return f.step("uninstall", id)
}

func (f *fakeLifecycle) Enable(_ context.Context, id apps.AppID, _ string) (*install.Result, error) {
	return f.step("enable", id)
}

func (f *fakeLifecycle) Disable(_ context.Context, id apps.AppID, _ string) (*install.Result, error) {
	return f.step("disable", id)
}

func adminHandler(lc *fakeLifecycle, dialogs *[]model.OpenDialogRequest) *Handler {
	installed := []*store.InstalledApp{{Manifest: apps.Manifest{AppID: "hello", Version: "1.0.0", DisplayName: "Hello"}, BotUsername: "hello"}}
	return New(Deps{
		Status:        func(context.Context) status.Report { return status.Report{} },
		IsSystemAdmin: func(id string) bool { return id == "admin" },
		Admin: &AdminDeps{
			Lifecycle: lc,
			Listed: func() []catalog.AppView {
				return []catalog.AppView{
					{AppID: "hello", DisplayName: "Hello", Version: "2.0.0", Supported: true, RequestedPermissions: apps.Permissions{apps.PermissionActAsBot}},
					{AppID: "fresh", DisplayName: "Fresh | New", Version: "0.1", Description: "line\nbreak", Supported: true, RequestedLocations: apps.Locations{"/channel_header"}},
					{AppID: "webhooky", DisplayName: "HTTP only", Version: "1", DeployTypes: []apps.DeployType{apps.DeployHTTP}},
				}
			},
			Installed:  func() []*store.InstalledApp { return installed },
			Triggers:   func(apps.AppID) []string { return []string{"hello"} },
			OpenDialog: func(r model.OpenDialogRequest) error { *dialogs = append(*dialogs, r); return nil },
			Sealer:     testSealer,
			DialogURL:  "/plugins/lambda-apps/api/v1/dialog", AutocompleteURL: "/plugins/lambda-apps/api/v1/autocomplete",
		},
	})
}

var testSealer = &dialog.Sealer{Secret: func() (string, error) { return strings.Repeat("s", 64), nil }}

func run(h *Handler, user, line, trigger string) string {
	return h.Execute(context.Background(), &model.CommandArgs{UserId: user, Command: line, TriggerId: trigger, ChannelId: "c1"}).Text
}

func TestInstallListed(t *testing.T) {
	lc := &fakeLifecycle{}
	var dialogs []model.OpenDialogRequest
	h := adminHandler(lc, &dialogs)

	assert.Contains(t, run(h, "user", "/apps install listed", ""), "can only be run by a system administrator")
	text := run(h, "admin", "/apps install listed", "")
	assert.Contains(t, text, "| Hello | `hello` | 2.0.0 |", "an upgrade is installable")
	assert.Contains(t, text, "| Fresh \\| New | `fresh` | 0.1 | line break | add buttons to channel headers |")
	assert.NotContains(t, text, "webhooky", "unsupported apps cannot be installed")

	assert.Empty(t, run(h, "admin", "/apps install listed hello --version 2.0.0", "trigger-1"))
	require.Len(t, dialogs, 1)
	d := dialogs[0]
	assert.Equal(t, "trigger-1", d.TriggerId)
	assert.Equal(t, "Install Hello", d.Dialog.Title)
	assert.Contains(t, d.Dialog.IntroductionText, "act as its own bot account")
	assert.Contains(t, d.Dialog.IntroductionText, "add the slash command `/hello`")
	assert.Contains(t, d.Dialog.IntroductionText, "add items to the post menu")
	require.Len(t, d.Dialog.Elements, 1)
	assert.Equal(t, "consent", d.Dialog.Elements[0].Name)

	assert.Contains(t, run(h, "admin", "/apps install listed nope", "t"), "not listed")
	assert.Contains(t, run(h, "admin", "/apps install listed hello", ""), "cannot show the consent dialog")
	assert.Contains(t, run(h, "admin", "/apps install", ""), "usage")

	// The dialog's submission installs only with consent, only for admins.
	st, err := testSealer.Open("admin", d.Dialog.State)
	require.NoError(t, err, "the consent state is sealed for the admin who opened it")
	assert.Equal(t, dialog.KindConsent, st.Kind)
	assert.Equal(t, "c1", st.ChannelID)
	var posts []*model.Post
	h.deps.Admin.Post = func(userID string, p *model.Post) { posts = append(posts, p) }
	submit := func(user string, consent any) *model.SubmitDialogResponse {
		return h.SubmitConsent(context.Background(), user, st, &model.SubmitDialogRequest{State: d.Dialog.State, Submission: map[string]any{"consent": consent}})
	}
	resp := submit("admin", false)
	assert.NotEmpty(t, resp.Errors["consent"])
	resp = h.SubmitConsent(context.Background(), "admin", st, &model.SubmitDialogRequest{State: d.Dialog.State, Submission: map[string]any{}})
	assert.NotEmpty(t, resp.Errors["consent"], "a submission without the box is no consent when the app asks for something")
	noVersion := st
	noVersion.Version = ""
	assert.Contains(t, h.SubmitConsent(context.Background(), "admin", noVersion, &model.SubmitDialogRequest{Submission: map[string]any{"consent": true}}).Error,
		"does not say which version")
	assert.Empty(t, lc.installed)
	resp = submit("user", true)
	assert.Contains(t, resp.Error, "Only system administrators")
	resp = submit("admin", true)
	assert.Empty(t, resp.Error)
	require.Len(t, lc.installed, 1)
	assert.Equal(t, install.Request{AppID: "hello", Version: "2.0.0", ActingUserID: "admin", Grant: true}, lc.installed[0],
		"the submission is consent to what the dialog showed: what that version asks for")
	require.Len(t, posts, 1, "the outcome is posted to the admin")
	assert.Equal(t, "c1", posts[0].ChannelId)

	st.Kind = dialog.KindForm
	assert.Contains(t, h.SubmitConsent(context.Background(), "admin", st, &model.SubmitDialogRequest{}).Error, "not an install dialog")
}

func TestListAndLifecycleCommands(t *testing.T) {
	lc := &fakeLifecycle{}
	var dialogs []model.OpenDialogRequest
	h := adminHandler(lc, &dialogs)
	list := run(h, "admin", "/apps list", "")
	assert.Contains(t, list, "| Hello | `hello` | Enabled | 1.0.0 (2.0.0 listed: `/apps install listed hello`) | @hello | `/hello` |")
	assert.Contains(t, list, "| HTTP only | `webhooky` | 1 | http (unsupported: no aws_lambda) |")

	assert.Equal(t, "disable done", run(h, "admin", "/apps disable hello", ""))
	assert.Equal(t, "enable done", run(h, "admin", "/apps enable hello", ""))
	assert.Equal(t, "uninstall done", run(h, "admin", "/apps uninstall hello", ""))
	assert.Contains(t, run(h, "admin", "/apps uninstall other", ""), "app `other` is not installed")
	assert.Contains(t, run(h, "admin", "/apps enable", ""), "usage: `/apps enable <app_id>`")
	assert.Contains(t, run(h, "user", "/apps disable hello", ""), "system administrator")
	assert.Equal(t, []string{"disable hello", "enable hello", "uninstall hello", "uninstall other"}, lc.steps)

	cmd := h.Command()
	require.NoError(t, cmd.AutocompleteData.IsValid())
	var enable *model.AutocompleteData
	for _, sub := range cmd.AutocompleteData.SubCommands {
		if sub.Trigger == "enable" {
			enable = sub
		}
	}
	require.NotNil(t, enable)
	require.Len(t, enable.Arguments, 1)
	assert.Equal(t, "/plugins/lambda-apps/api/v1/autocomplete/disabled", enable.Arguments[0].Data.(*model.AutocompleteDynamicListArg).FetchURL)
}

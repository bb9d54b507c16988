package plugin

import (
	"context"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	mmplugin "github.com/mattermost/mattermost/server/public/plugin"

	lambdaapps "github.com/lambda-apps/lambda-apps"
	"github.com/lambda-apps/lambda-apps/server/appcall"
	"github.com/lambda-apps/lambda-apps/server/command"
)

// Routes the server calls on behalf of users (dialogs, autocomplete).
var (
	dialogURL       = appcall.PluginPath + "/api/v1/dialog"
	autocompleteURL = appcall.PluginPath + "/api/v1/autocomplete"
	lookupURL       = appcall.PluginPath + "/api/v1/lookup"
	dialogLookupURL = appcall.PluginPath + "/api/v1/dialog/lookup"
	postActionURL   = appcall.PluginPath + "/api/v1/post-action"
)

// commandAPI adapts the plugin API to appcmd.MattermostAPI.
type commandAPI struct{ p *Plugin }

// DialogForms reports whether the web client shows a form that answers a
// dialog submission: Mattermost's Apps-form based dialogs do (feature flag
// InteractiveDialogAppsForm, on by default in Mattermost 11); servers that
// predate the flag do not send it at all.
func (c commandAPI) DialogForms() bool {
	cfg := c.p.API.GetConfig()
	return cfg != nil && cfg.FeatureFlags != nil && cfg.FeatureFlags.InteractiveDialogAppsForm
}

func (c commandAPI) RegisterCommand(cmd *model.Command) error { return c.p.API.RegisterCommand(cmd) }
func (c commandAPI) UnregisterCommand(trigger string) error {
	return c.p.API.UnregisterCommand("", trigger)
}

func (c commandAPI) TakenTriggers() []string {
	var out []string
	if builtin, err := c.p.client.SlashCommand.ListBuiltIn(); err == nil {
		for _, cmd := range builtin {
			out = append(out, cmd.Trigger)
		}
	}
	if plugins, err := c.p.client.SlashCommand.ListPlugin(""); err == nil {
		for _, cmd := range plugins {
			if cmd.PluginId != lambdaapps.PluginID {
				out = append(out, cmd.Trigger)
			}
		}
	}
	return out
}

func (c commandAPI) OpenInteractiveDialog(req model.OpenDialogRequest) error {
	if appErr := c.p.API.OpenInteractiveDialog(req); appErr != nil {
		return appErr
	}
	return nil
}

func (c commandAPI) SendEphemeralPost(userID string, post *model.Post) {
	c.p.API.SendEphemeralPost(userID, post)
}

func (c commandAPI) CanReadChannel(userID, channelID string) bool {
	return c.p.mm().CanReadChannel(userID, channelID)
}

func (c commandAPI) UserID(name string) (string, error) {
	u, err := c.p.client.User.GetByUsername(name)
	if err != nil {
		return "", err
	}
	return u.Id, nil
}

func (c commandAPI) ChannelID(teamID, name string) (string, error) {
	ch, err := c.p.client.Channel.GetByName(teamID, name, false)
	if err != nil {
		return "", err
	}
	return ch.Id, nil
}

// ExecuteCommand runs `/apps` and the apps' own commands.
func (p *Plugin) ExecuteCommand(_ *mmplugin.Context, args *model.CommandArgs) (*model.CommandResponse, *model.AppError) {
	ctx := context.Background()
	trigger := strings.TrimPrefix(strings.Fields(args.Command + " x")[0], "/")
	if strings.EqualFold(trigger, command.Trigger) {
		return p.command.Execute(ctx, args), nil
	}
	return p.appCommands.Execute(ctx, args), nil
}

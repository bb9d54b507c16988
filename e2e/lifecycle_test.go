//go:build e2e

package e2e

import (
	"context"
	"net/http"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// submitDialog submits an interactive dialog the way the web client does.
func (s *stack) submitDialog(t *testing.T, token string, d *model.OpenDialogRequest, values map[string]any) (*model.SubmitDialogResponse, error) {
	t.Helper()
	resp, _, err := s.client(token).SubmitInteractiveDialog(context.Background(), model.SubmitDialogRequest{
		URL: d.URL, CallbackId: d.Dialog.CallbackId, State: d.Dialog.State,
		ChannelId: s.channelID, TeamId: s.teamID, Submission: values,
	})
	return resp, err
}

func (s *stack) uninstallIfInstalled(t *testing.T) {
	t.Helper()
	s.pluginDo(t, s.adminToken, http.MethodPost, "/api/v1/uninstall-app", map[string]string{"app_id": helloID})
}

func TestInstallListedAndAppCommands(t *testing.T) {
	installHello(t) // deployed and listed
	s := getStack(t)
	s.uninstallIfInstalled(t)
	admin := s.listen(t, s.adminToken)

	assert.Contains(t, s.command(t, s.userToken, "/apps install listed"), "can only be run by a system administrator")
	listed := s.command(t, s.adminToken, "/apps install listed")
	assert.Contains(t, listed, "| Hello Lambda | `hello-lambda` | 0.1.0 |")
	assert.Contains(t, listed, "act as its own bot account")

	// The consent dialog; unchecked consent is refused and changes nothing.
	assert.Empty(t, s.command(t, s.adminToken, "/apps install listed hello-lambda"))
	d := admin.dialog(t)
	assert.Contains(t, d.Dialog.IntroductionText, "Installing lets the app")
	assert.Contains(t, d.Dialog.IntroductionText, "add slash commands")
	resp, err := s.submitDialog(t, s.adminToken, d, map[string]any{"consent": false})
	require.NoError(t, err)
	assert.Contains(t, resp.Errors["consent"], "Check the box")
	code, _, _ := s.pluginDo(t, s.userToken, http.MethodGet, "/api/v1/apps/"+helloID+"/static/icon.png", nil)
	assert.Equal(t, http.StatusNotFound, code, "not installed yet")

	resp, err = s.submitDialog(t, s.adminToken, d, map[string]any{"consent": true})
	require.NoError(t, err)
	assert.Empty(t, resp.Error)
	assert.Empty(t, resp.Errors)
	installed := admin.ephemeral(t, "Installed app `hello-lambda`")
	assert.Contains(t, installed.Message, "was installed by @admin", "on_install ran as the admin; its answer is shown")

	bot, _, err := s.client(s.adminToken).GetUserByUsername(context.Background(), helloID, "")
	require.NoError(t, err)
	assert.True(t, bot.IsBot)
	assert.NotZero(t, bot.LastPictureUpdate, "the bot's profile image is the app icon")
	assert.Equal(t, bot.Id, installed.UserId, "the message comes from the app's bot")

	list := s.command(t, s.adminToken, "/apps list")
	assert.Contains(t, list, "| Hello Lambda | `hello-lambda` | Enabled | 0.1.0 | @hello-lambda | `/hello` |")

	// The app's command, run by a regular user.
	user := s.listen(t, s.userToken)
	assert.Empty(t, s.command(t, s.userToken, `/hello greet "Grace Hopper"`))
	greeting := user.ephemeral(t, "Hello, Grace Hopper!")
	assert.Equal(t, bot.Id, greeting.UserId)
	assert.Equal(t, s.channelID, greeting.ChannelId)

	assert.Empty(t, s.command(t, s.userToken, "/hello greet"))
	user.ephemeral(t, "Hello, alice!") // acting user expanded at summary level

	assert.Contains(t, s.command(t, s.userToken, "/hello nope"), "has no sub-command `nope`")
	assert.Contains(t, s.command(t, s.userToken, "/hello greet --bogus 1"), "unknown flag `--bogus`")

	// A form answer opens a dialog; its submission reaches the app.
	assert.Empty(t, s.command(t, s.userToken, "/hello survey"))
	form := user.dialog(t)
	require.NotEmpty(t, form.Dialog.Elements)
	resp, err = s.submitDialog(t, s.userToken, form, map[string]any{})
	require.NoError(t, err)
	assert.NotEmpty(t, resp.Errors, "field errors come back onto the dialog: %+v", resp)
	values := map[string]any{}
	for _, el := range form.Dialog.Elements {
		switch el.Type {
		case "bool":
			values[el.Name] = true
		case "select":
			if len(el.Options) > 0 {
				values[el.Name] = el.Options[0].Value
			}
		default:
			values[el.Name] = "answer-" + el.Name
		}
	}
	resp, err = s.submitDialog(t, s.userToken, form, values)
	require.NoError(t, err)
	assert.Empty(t, resp.Error, "%+v", resp)
	user.ephemeral(t, "answer-")

	// Autocomplete offers the app IDs that fit each sub-command.
	suggest := func(input string) []string {
		items, _, err := s.client(s.adminToken).ListCommandAutocompleteSuggestions(context.Background(), input, s.teamID)
		require.NoError(t, err)
		var out []string
		for _, it := range items {
			out = append(out, it.Complete)
		}
		return out
	}
	assert.Contains(t, suggest("/apps disable "), "apps disable hello-lambda")
	assert.NotContains(t, suggest("/apps enable "), "apps enable hello-lambda", "it is not disabled")

	// Disable blocks the command; enable restores it.
	assert.Contains(t, s.command(t, s.adminToken, "/apps disable hello-lambda"), "is disabled")
	assert.Contains(t, suggest("/apps enable "), "apps enable hello-lambda")
	_, _, err = s.client(s.userToken).ExecuteCommandWithTeam(context.Background(), s.channelID, s.teamID, "/hello greet x")
	require.Error(t, err, "a disabled app's command is unregistered")
	assert.Contains(t, s.command(t, s.adminToken, "/apps enable hello-lambda"), "is enabled")
	assert.Empty(t, s.command(t, s.userToken, "/hello greet again"))
	user.ephemeral(t, "Hello, again!")

	// Uninstall removes the command; reinstall brings it back.
	assert.Contains(t, s.command(t, s.userToken, "/apps uninstall hello-lambda"), "system administrator")
	assert.Contains(t, s.command(t, s.adminToken, "/apps uninstall hello-lambda"), "Uninstalled app `hello-lambda`")
	_, _, err = s.client(s.userToken).ExecuteCommandWithTeam(context.Background(), s.channelID, s.teamID, "/hello greet x")
	require.Error(t, err)
	u, _, err := s.client(s.adminToken).GetUser(context.Background(), bot.Id, "")
	require.NoError(t, err)
	assert.NotZero(t, u.DeleteAt, "the bot is deactivated")

	code, _, body := s.pluginDo(t, s.adminToken, http.MethodPost, "/api/v1/install-app", map[string]string{"app_id": helloID})
	require.Equal(t, http.StatusOK, code, "%s", body)
	u, _, err = s.client(s.adminToken).GetUser(context.Background(), bot.Id, "")
	require.NoError(t, err)
	assert.Zero(t, u.DeleteAt, "the same bot is reactivated")
	assert.Empty(t, s.command(t, s.userToken, "/hello greet back"))
	user.ephemeral(t, "Hello, back!")
}

//go:build e2e

package e2e

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDynamicSelectAndMultiselect drives /hello pick: its topic is a
// dynamic_select the app looks up (as the user types in autocomplete and in
// Mattermost 11 dialogs, before opening older dialogs), its "also" field a
// multiselect; a submission answered by a form is a dialog's next step.
func TestDynamicSelectAndMultiselect(t *testing.T) {
	installHello(t)
	s := getStack(t)
	user := s.listen(t, s.userToken)

	suggest := func(input string) map[string]string {
		items, _, err := s.client(s.userToken).ListCommandAutocompleteSuggestions(context.Background(), input, s.teamID)
		require.NoError(t, err)
		out := map[string]string{}
		for _, it := range items {
			out[it.Complete] = it.Hint
		}
		return out
	}
	assert.Equal(t, map[string]string{"hello pick gardening": "Gardening", "hello pick go": "Go"}, suggest("/hello pick g"),
		"the server asks the plugin, the plugin asks the app's lookup")
	assert.Contains(t, suggest("/hello pick rust --also "), "hello pick rust --also cooking", "static choices of the multiselect")

	// Typed on the command line: a comma-separated multiselect.
	assert.Empty(t, s.command(t, s.userToken, "/hello pick rust --also go,cooking"))
	user.ephemeral(t, "You picked Rust. Also: Go, Cooking.")
	assert.Contains(t, s.command(t, s.userToken, "/hello pick rust --also knitting"), `"knitting" is not one of`)

	// Mattermost 11 dialogs (Apps-form based) look dynamic selects up as the
	// user types; older ones get the choices looked up before opening.
	cfg, _, err := s.client(s.adminToken).GetConfig(context.Background())
	require.NoError(t, err)
	appsForm := cfg.FeatureFlags != nil && cfg.FeatureFlags.InteractiveDialogAppsForm
	if strings.HasPrefix(os.Getenv("MM_VERSION"), "11.") {
		require.True(t, appsForm, "Mattermost 11 has Apps-form dialogs")
	}

	// Without a topic the app answers a form, opened as a dialog.
	assert.Empty(t, s.command(t, s.userToken, "/hello pick"))
	d := user.dialog(t)
	byName := map[string]model.DialogElement{}
	for _, el := range d.Dialog.Elements {
		byName[el.Name] = el
	}
	require.Contains(t, byName, "topic")
	topic := byName["topic"]
	assert.Equal(t, "select", topic.Type)
	if appsForm {
		require.Equal(t, "dynamic", topic.DataSource)
		// What the web client does as the user types "ru": the server asks
		// the plugin, the plugin asks the app's lookup on Lambda.
		found, _, err := s.client(s.userToken).LookupInteractiveDialog(context.Background(), model.SubmitDialogRequest{
			URL: topic.DataSourceURL, CallbackId: d.Dialog.CallbackId, State: d.Dialog.State, ChannelId: s.channelID, TeamId: s.teamID,
			Submission: map[string]any{"selected_field": "topic", "query": "ru"},
		})
		require.NoError(t, err)
		assert.Equal(t, []model.DialogSelectOption{{Text: "Rust", Value: "rust"}, {Text: "Running", Value: "running"}}, found.Items)
	} else {
		var values []string
		for _, o := range topic.Options {
			values = append(values, o.Value)
		}
		assert.Equal(t, []string{"gardening", "go", "rust", "running", "cooking"}, values, "looked up before opening")
	}

	resp, err := s.submitDialog(t, s.userToken, d, map[string]any{"topic": "go", "also": "rust,running"})
	require.NoError(t, err)
	assert.Empty(t, resp.Error, "%+v", resp)
	user.ephemeral(t, "You picked Go. Also: Rust, Running.")

	resp, err = s.submitDialog(t, s.userToken, d, map[string]any{"topic": "cooking", "also": []any{"gardening"}})
	require.NoError(t, err)
	assert.Empty(t, resp.Error, "%+v", resp)
	user.ephemeral(t, "You picked Cooking. Also: Gardening.")

	// Submitted without a topic, the app answers the form again: the next
	// step of the same dialog where the web client shows such forms
	// (Mattermost 11), an explanation elsewhere.
	resp, err = s.submitDialog(t, s.userToken, d, map[string]any{})
	require.NoError(t, err)
	if !appsForm {
		assert.Contains(t, resp.Error, "cannot show in the same dialog")
		return
	}
	require.Empty(t, resp.Error, "%+v", resp)
	require.Equal(t, "form", resp.Type)
	require.NotNil(t, resp.Form)
	assert.Equal(t, "Pick a topic", resp.Form.Title)
	next := &model.OpenDialogRequest{URL: d.URL, Dialog: *resp.Form}
	resp, err = s.submitDialog(t, s.userToken, next, map[string]any{"topic": "running"})
	require.NoError(t, err)
	assert.Empty(t, resp.Error, "%+v", resp)
	user.ephemeral(t, "You picked Running.")
}

package appcmd

import (
	"context"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/dialog"
)

const testDialogLookupURL = "/plugins/lambda-apps/api/v1/dialog/lookup"

func openPickDialog(t *testing.T, svc *Service, caller *routeCaller, mm *fakeMM) model.Dialog {
	t.Helper()
	caller.routes["/pick"] = func(*apps.CallRequest) (*apps.CallResponse, error) {
		return &apps.CallResponse{Type: apps.CallResponseTypeForm, Form: pickBinding().Bindings[0].Form}, nil
	}
	caller.routes["/other"] = topicLookup
	_, _ = svc.SyncApp(context.Background(), "hello")
	svc.Execute(context.Background(), &model.CommandArgs{UserId: "u1", ChannelId: "c1", TeamId: "t1", TriggerId: "trig", Command: "/hello pick"})
	require.Len(t, mm.dialogs, 1, "posts: %v", mm.posts)
	return mm.dialogs[0].Dialog
}

func elements(d model.Dialog) map[string]model.DialogElement {
	out := map[string]model.DialogElement{}
	for _, el := range d.Elements {
		out[el.Name] = el
	}
	return out
}

func TestDynamicSelectsWhereTheClientsLookUp(t *testing.T) {
	svc, caller, mm := newLookupFixture(t)
	svc.DialogLookupURL, svc.DialogForms = testDialogLookupURL, func() bool { return true }
	d := openPickDialog(t, svc, caller, mm)
	require.NoError(t, d.IsValid())
	els := elements(d)
	for _, name := range []string{"topic", "other"} {
		assert.Equal(t, "select", els[name].Type, name)
		assert.Equal(t, "dynamic", els[name].DataSource, name)
		assert.Equal(t, testDialogLookupURL, els[name].DataSourceURL, name)
		assert.Empty(t, els[name].Options, name)
	}
	assert.Equal(t, "text", els["free"].Type, "no lookup call: free text")
	assert.Empty(t, caller.byPath("/topics"), "nothing is looked up before the dialog opens")

	// The server asks the plugin as the user types.
	resp, err := svc.DialogLookup(context.Background(), "u1", &model.SubmitDialogRequest{State: d.State, ChannelId: "c2",
		Submission: map[string]any{"selected_field": "topic", "query": "g", "other": "rust"}})
	require.NoError(t, err)
	assert.Equal(t, []model.DialogSelectOption{{Text: "Gardening", Value: "gardening"}, {Text: "Go", Value: "go"}}, resp.Items)
	calls := caller.byPath("/topics")
	require.Len(t, calls, 1)
	assert.Equal(t, "g", calls[0].Query)
	assert.Equal(t, "topic", calls[0].SelectedField)
	assert.Equal(t, "u1", calls[0].Context.UserID)
	assert.Equal(t, "c1", calls[0].Context.ChannelID, "the sealed channel, not the one the request names")
	assert.Equal(t, apps.Location("/command/hello/pick"), calls[0].Context.Location)
	assert.Equal(t, map[string]any{"other": apps.SelectOption{Label: "rust", Value: "rust"}}, calls[0].Values,
		"the values entered so far, without the lookup's own keys")

	st, err := svc.Sealer.Open("u1", d.State)
	require.NoError(t, err)
	values, _ := dialog.SubmissionValues(st, map[string]any{"topic": "go"})
	assert.Equal(t, map[string]any{"topic": apps.SelectOption{Label: "go", Value: "go"}}, values)

	_, err = svc.DialogLookup(context.Background(), "u2", &model.SubmitDialogRequest{State: d.State,
		Submission: map[string]any{"selected_field": "topic", "query": "g"}})
	assert.ErrorIs(t, err, dialog.ErrOtherUser, "a dialog's state is only good for the user it was opened for")
}

func TestDynamicSelectsFallBackOnOlderServers(t *testing.T) {
	svc, caller, mm := newLookupFixture(t)
	svc.DialogLookupURL, svc.DialogForms = testDialogLookupURL, func() bool { return true }
	mm.refuseDynamic = true
	d := openPickDialog(t, svc, caller, mm)
	topic := elements(d)["topic"]
	assert.Empty(t, topic.DataSource)
	assert.Len(t, topic.Options, 3, "the choices were looked up before opening")

	svc2, caller2, mm2 := newLookupFixture(t)
	svc2.DialogLookupURL, svc2.DialogForms = testDialogLookupURL, func() bool { return false }
	d = openPickDialog(t, svc2, caller2, mm2)
	assert.Len(t, elements(d)["topic"].Options, 3, "clients without Apps-form dialogs get static choices")
}

func TestDialogLookupRefusals(t *testing.T) {
	svc, caller, mm := newLookupFixture(t)
	svc.DialogLookupURL, svc.DialogForms = testDialogLookupURL, func() bool { return true }
	d := openPickDialog(t, svc, caller, mm)
	tests := []struct {
		name, state, field string
		bad                bool
	}{
		{"not our state", `{"k":"consent"}`, "topic", true},
		{"not JSON", `{`, "topic", true},
		{"not a dynamic field", d.State, "also", true},
		{"unknown field", d.State, "nope", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.DialogLookup(context.Background(), "u1", &model.SubmitDialogRequest{State: tt.state, Submission: map[string]any{"selected_field": tt.field}})
			require.ErrorIs(t, err, ErrBadLookup)
		})
	}
	assert.Empty(t, caller.byPath("/topics"))
}

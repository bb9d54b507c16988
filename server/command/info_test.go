package command

import (
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/server/appcall"
	"github.com/lambda-apps/lambda-apps/server/callstats"
)

func TestInfoApp(t *testing.T) {
	stats := callstats.New(callstats.Options{})
	stats.Record("hello", "/greet", appcall.OutcomeOK, 3*time.Millisecond)
	stats.Record("hello", "/greet", appcall.OutcomeFunctionError, 40*time.Millisecond)
	var dialogs []model.OpenDialogRequest
	h := adminHandler(&fakeLifecycle{}, &dialogs)
	h.deps.AppCalls = stats.App
	tests := []struct {
		name, user, line string
		want             []string
		notWant          []string
	}{
		{"admin sees an app's calls", "admin", "/apps info hello", []string{
			"#### Calls to hello", "| Calls | 2 | 2 |", "| Errors: `function_error` | 1 | 1 |", "| `/greet` | 2 | 1 |",
		}, nil},
		{"app IDs are case-sensitive", "admin", "/apps info HELLO", []string{"no app HELLO is installed"}, nil},
		{"not installed", "admin", "/apps info nope", []string{"`/apps info` failed: no app nope is installed"}, nil},
		{"user is refused", "user", "/apps info hello", []string{"can only be seen by a system administrator"}, []string{"/greet", "| Calls"}},
		{"user still gets the public info", "user", "/apps info", []string{"Apps are not available"}, []string{"Calls to"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := run(h, tt.user, tt.line, "")
			for _, w := range tt.want {
				assert.Contains(t, text, w)
			}
			for _, w := range tt.notWant {
				assert.NotContains(t, text, w)
			}
		})
	}
}

func TestInfoAppWithoutCalls(t *testing.T) {
	var dialogs []model.OpenDialogRequest
	h := adminHandler(&fakeLifecycle{}, &dialogs)
	h.deps.AppCalls = callstats.New(callstats.Options{}).App
	assert.Contains(t, run(h, "admin", "/apps info hello", ""), "No calls yet.")
}

func TestInfoAutocompleteOffersApps(t *testing.T) {
	var dialogs []model.OpenDialogRequest
	h := adminHandler(&fakeLifecycle{}, &dialogs)
	h.deps.AppCalls = callstats.New(callstats.Options{}).App
	h = New(h.deps) // the hint and autocomplete are built by New
	var info *model.AutocompleteData
	for _, sub := range h.Command().AutocompleteData.SubCommands {
		if sub.Trigger == "info" {
			info = sub
		}
	}
	require.NotNil(t, info)
	assert.Equal(t, "[app_id]", info.Hint)
	require.Len(t, info.Arguments, 1)
	assert.Equal(t, model.SystemUserRoleId, info.RoleID, "everyone may run /apps info")
}

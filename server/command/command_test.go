package command

import (
	"context"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/server/status"
)

func newTestHandler() *Handler {
	return New(Deps{
		Status: func(context.Context) status.Report {
			return status.Report{PluginVersion: "1.2.3", CredentialsSet: true, Region: "eu-west-1", Bucket: "b", BucketReachable: true}
		},
		IsSystemAdmin: func(userID string) bool { return userID == "admin" },
		Refresh:       func(context.Context) (string, error) { return "Catalog refreshed: 3 apps", nil },
	})
}

func TestExecute(t *testing.T) {
	h := newTestHandler()
	h.add(&subcommand{name: "secret", help: "admin thing", admin: true, run: func(context.Context, *model.CommandArgs, []string) (*model.CommandResponse, error) {
		return ephemeral("did it"), nil
	}})
	tests := []struct {
		name, user, line, want string
	}{
		{"info", "u1", "/apps info", "#### Lambda Apps 1.2.3"},
		{"info upper case", "u1", "/apps INFO", "| Region | `eu-west-1` () |"},
		{"help", "u1", "/apps help", "- `/apps info`: Show the plugin version"},
		{"bare shows help", "u1", "/apps", "#### Lambda Apps: `/apps` commands"},
		{"help marks admin", "u1", "/apps help", "admin thing _(system admins only)_"},
		{"unknown", "u1", "/apps nope", "Unknown sub-command `nope`. Available: help, info, refresh, secret."},
		{"refresh admin", "admin", "/apps refresh", "Catalog refreshed: 3 apps"},
		{"refresh user", "u1", "/apps refresh", "`/apps refresh` can only be run by a system administrator."},
		{"admin refused", "u1", "/apps secret", "`/apps secret` can only be run by a system administrator."},
		{"admin allowed", "admin", "/apps secret", "did it"},
		{"extra spaces", "u1", "  /apps   info  ", "#### Lambda Apps 1.2.3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := h.Execute(context.Background(), &model.CommandArgs{UserId: tt.user, Command: tt.line})
			require.NotNil(t, resp)
			assert.Equal(t, model.CommandResponseTypeEphemeral, resp.ResponseType)
			assert.Contains(t, resp.Text, tt.want)
		})
	}
}

func TestExecuteErrorBecomesMessage(t *testing.T) {
	h := newTestHandler()
	h.add(&subcommand{name: "boom", run: func(context.Context, *model.CommandArgs, []string) (*model.CommandResponse, error) {
		return nil, assert.AnError
	}})
	resp := h.Execute(context.Background(), &model.CommandArgs{UserId: "u1", Command: "/apps boom"})
	assert.Equal(t, "`/apps boom` failed: "+assert.AnError.Error(), resp.Text)
}

func TestCommandRegistration(t *testing.T) {
	h := newTestHandler()
	h.add(&subcommand{name: "secret", admin: true})
	cmd := h.Command()
	assert.Equal(t, "apps", cmd.Trigger)
	assert.True(t, cmd.AutoComplete)
	require.NotNil(t, cmd.AutocompleteData)
	require.NoError(t, cmd.AutocompleteData.IsValid())
	var names []string
	for _, sub := range cmd.AutocompleteData.SubCommands {
		names = append(names, sub.Trigger)
		if sub.Trigger == "secret" || sub.Trigger == "refresh" {
			assert.Equal(t, model.SystemAdminRoleId, sub.RoleID)
		} else {
			assert.NotEqual(t, model.SystemAdminRoleId, sub.RoleID)
		}
	}
	assert.Equal(t, []string{"help", "info", "refresh", "secret"}, names)
}

package command

import (
	"context"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/server/catalog"
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
		{"info upper case", "admin", "/apps INFO", "| Region | `eu-west-1` () |"},
		{"help", "u1", "/apps help", "- `/apps info`: Show the plugin version"},
		{"bare shows help", "u1", "/apps", "#### Lambda Apps: `/apps` commands"},
		{"help marks admin", "u1", "/apps help", "admin thing _(system admins only)_"},
		{"unknown", "u1", "/apps nope", "Unknown sub-command `nope`. Available: help, info, refresh, secret."},
		{"refresh admin", "admin", "/apps refresh", "Catalog refreshed: 3 apps"},
		{"refresh user", "u1", "/apps refresh", "`/apps refresh` can only be run by a system administrator."},
		{"admin refused", "u1", "/apps secret", "`/apps secret` can only be run by a system administrator."},
		{"admin allowed", "admin", "/apps secret", "did it"},
		{"extra spaces", "u1", "  /apps   info  ", "#### Lambda Apps 1.2.3"},
		{"trigger in another case", "u1", "/Apps info", "#### Lambda Apps 1.2.3"},
		{"trigger upper case", "u1", "/APPS help", "#### Lambda Apps: `/apps` commands"},
		{"not this command", "u1", "/appsx info", `Unknown command "/appsx info"`},
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

func TestInfoShowsNonAdminsOnlyWhatTheyNeed(t *testing.T) {
	const (
		bucket    = "acme-private-apps-bucket"
		s3Error   = "access denied: the invoke credentials may not read bucket " + bucket + " (AccessDenied, request id 4F2A)"
		syncError = "list manifests: operation error S3: ListObjectsV2, arn:aws:iam::123456789012:user/apps-invoke is not authorized"
		problem   = "MM_APPS_CALL_TIMEOUT is not a duration; using 30s"
		endpoint  = "http://minio.internal.example:9000"
		region    = "eu-central-2"
	)
	report := status.Report{
		PluginVersion: "1.2.3", CredentialsSet: true, Region: region, Bucket: bucket,
		S3Endpoint: endpoint, LambdaEndpoint: endpoint, BucketError: s3Error, Problems: []string{problem},
		Status: catalog.Status{Apps: 4, LastError: syncError},
		InstalledApps: []status.InstalledApp{
			{AppID: "zeta", Version: "2.0.0", Enabled: true},
			{AppID: "hello", Name: "Hello", Version: "1.0.0", Enabled: true},
			{AppID: "ops-console", Name: "Ops Console", Version: "0.9.0", Enabled: false},
		},
	}
	h := New(Deps{
		Status:        func(context.Context) status.Report { return report },
		IsSystemAdmin: func(userID string) bool { return userID == "admin" },
	})
	adminOnly := []string{bucket, s3Error, "AccessDenied", syncError, "arn:aws", problem, endpoint, region}
	tests := []struct {
		name        string
		user        string
		want        []string
		wantHidden  []string
		wantVisible []string
	}{
		{
			name: "system admin sees everything",
			user: "admin",
			want: []string{
				"#### Lambda Apps 1.2.3",
				"| Bucket | `" + bucket + "` () |",
				"| Bucket reachable | no: " + s3Error + " |",
				"| Catalog problem | " + syncError + " |",
				"| Configuration problem | " + problem + " |",
				"| Installed apps | 3 (2 enabled) |",
			},
			wantVisible: adminOnly,
		},
		{
			name: "user sees the version, availability and enabled apps",
			user: "u1",
			want: []string{
				"#### Lambda Apps 1.2.3",
				"Apps are available, but some of their features may not work right now.",
				"| App | ID | Version |\n|:--|:--|:--|\n| Hello | `hello` | 1.0.0 |\n| zeta | `zeta` | 2.0.0 |\n",
			},
			wantHidden: append(adminOnly, "Ops Console", "ops-console", "Invoke credentials"), // and disabled apps
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := h.Execute(context.Background(), &model.CommandArgs{UserId: tt.user, Command: "/apps info"})
			require.NotNil(t, resp)
			assert.Equal(t, model.CommandResponseTypeEphemeral, resp.ResponseType)
			for _, w := range tt.want {
				assert.Contains(t, resp.Text, w)
			}
			for _, s := range tt.wantVisible {
				assert.Contains(t, resp.Text, s)
			}
			for _, s := range tt.wantHidden {
				assert.NotContains(t, resp.Text, s)
			}
		})
	}
}

package apps

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validManifest returns a minimal valid manifest for tests to modify.
func validManifest() *Manifest {
	return &Manifest{
		AppID:       "com.example.app",
		Version:     "1.0.0",
		DisplayName: "Example",
		HomepageURL: "https://example.com/app",
		AWSLambda: &AWSLambda{Functions: []AWSLambdaFunction{
			{Path: "/", Name: "main", Handler: "bootstrap", Runtime: "provided.al2023"},
		}},
	}
}

func TestDecodeManifestHelloServerless(t *testing.T) {
	data, err := os.ReadFile("testdata/hello-serverless.json")
	require.NoError(t, err)

	m, err := DecodeManifest(data)
	require.NoError(t, err)
	assert.Equal(t, AppID("hello-serverless"), m.AppID)
	assert.Equal(t, AppVersion("v1.2.0"), m.Version)
	assert.Equal(t, "Hello, Serverless!", m.DisplayName)
	assert.Equal(t, "icon.png", m.Icon)
	assert.Equal(t, &Call{Path: "/bindings", Expand: &Expand{ActingUser: ExpandSummary}}, m.Bindings)
	assert.Equal(t, &Call{Path: "/install"}, m.OnInstall, "a call given as a string is its path")
	assert.Nil(t, m.OnUninstall)
	assert.Equal(t, Permissions{PermissionActAsBot}, m.RequestedPermissions)
	assert.Equal(t, Locations{LocationCommand}, m.RequestedLocations)
	assert.Equal(t, []AWSLambdaFunction{
		{Path: "/", Name: "hello-serverless", Handler: "hello-serverless", Runtime: "go1.x"},
	}, m.AWSLambda.Functions)
	assert.True(t, m.SupportsAWSLambda())
	assert.Equal(t, []DeployType{DeployAWSLambda}, m.DeployTypes())
}

func TestDecodeManifestIgnoresLegacyKeys(t *testing.T) {
	data := []byte(`{"app_id":"com.mattermost.servicenow","app_type":"aws_lambda","root_url":"",
		"version":"0.1.0","display_name":"ServiceNow","homepage_url":"https://github.com/mattermost/mattermost-app-servicenow",
		"requested_permissions":[],"SchemaVersion":"v1.2.2",
		"aws_lambda":{"functions":[{"path":"/","name":"function1","handler":"h","runtime":"go1.x"}]}}`)
	m, err := DecodeManifest(data)
	require.NoError(t, err)
	assert.Equal(t, AppID("com.mattermost.servicenow"), m.AppID)
}

func TestDecodeManifestPreservesOtherDeploySections(t *testing.T) {
	data := []byte(`{"app_id":"app","display_name":"App","homepage_url":"http://example.com",
		"http":{"root_url":"http://localhost:8080","use_jwt":true},"open_faas":null,"plugin":{"plugin_id":"x"}}`)
	m, err := DecodeManifest(data)
	require.NoError(t, err)
	assert.False(t, m.SupportsAWSLambda())
	assert.Equal(t, []DeployType{DeployHTTP, DeployPlugin}, m.DeployTypes())
	assert.Nil(t, m.OpenFaaS, "a null section is dropped")

	out, err := json.Marshal(m)
	require.NoError(t, err)
	assert.JSONEq(t, `{"app_id":"app","display_name":"App","homepage_url":"http://example.com",
		"http":{"root_url":"http://localhost:8080","use_jwt":true},"plugin":{"plugin_id":"x"}}`, string(out))
}

func TestDecodeManifestErrors(t *testing.T) {
	big := append([]byte(`{"description":"`), make([]byte, MaxManifestSize)...)
	tests := []struct {
		name    string
		data    []byte
		wantErr string
	}{
		{"too big", big, "over the 1048576 byte (1 MiB) limit"},
		{"not JSON", []byte(`{"app_id":`), "not valid JSON"},
		{"array", []byte(`[]`), "not valid JSON"},
		{"wrong type", []byte(`{"app_id":3}`), "not valid JSON"},
		{"call of wrong type", []byte(`{"on_install":3}`), "path string or an object"},
		{"empty object", []byte(`{}`), "app_id: is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeManifest(tt.data)
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func TestDecodeManifestReturnsInvalidManifest(t *testing.T) {
	m, err := DecodeManifest([]byte(`{"app_id":"x","version":"1"}`))
	var invalid *ValidationError
	require.ErrorAs(t, err, &invalid)
	require.NotNil(t, m, "the decoded manifest comes with the validation error")
	assert.Equal(t, AppID("x"), m.AppID)
}

func TestReadManifestLimit(t *testing.T) {
	_, err := ReadManifest(strings.NewReader(strings.Repeat(" ", MaxManifestSize+10)))
	assert.ErrorContains(t, err, "limit")

	data, err := os.ReadFile("testdata/hello-serverless.json")
	require.NoError(t, err)
	m, err := ReadManifest(strings.NewReader(string(data)))
	require.NoError(t, err)
	assert.Equal(t, AppID("hello-serverless"), m.AppID)
}

func TestManifestValidateReportsAllProblems(t *testing.T) {
	m := &Manifest{
		AppID:                 "x",
		Version:               "1.0.0.0.0.0.0",
		Icon:                  "../icon.png",
		HomepageURL:           "example.com",
		OnInstall:             &Call{Path: "install", Expand: &Expand{Channel: "everything"}},
		RequestedPermissions:  Permissions{PermissionRemoteWebhooks, PermissionRemoteOAuth2},
		RemoteWebhookAuthType: "basic",
		AWSLambda: &AWSLambda{Functions: []AWSLambdaFunction{
			{Path: "js", Name: "a b"},
			{Path: "/", Name: "a-b", Handler: "h", Runtime: "r"},
			{Path: "/", Name: "a-b", Handler: "h", Runtime: "r"},
			{Name: "dotted.name", Handler: "h", Runtime: "r"},
		}},
	}
	err := m.Validate()
	var invalid *ValidationError
	require.ErrorAs(t, err, &invalid)

	want := []string{
		"app_id: must be 3-32 characters",
		"version: must be at most 10 characters",
		"display_name: is required",
		"homepage_url: must be an absolute http or https URL",
		"icon: must be the name of a static asset",
		"on_install.path: must start with '/'",
		"on_install.expand.channel: unknown expand level \"everything\"",
		"requested_permissions: remote_webhooks requires act_as_bot",
		"requested_permissions: remote_oauth2 requires act_as_user",
		"remote_webhook_auth_type: unknown type \"basic\"",
		"aws_lambda.functions[0].path: must start with '/'",
		"aws_lambda.functions[0].handler: is required",
		"aws_lambda.functions[0].runtime: is required",
		"aws_lambda.functions[1].name: \"a-b\" gives the same Lambda name as functions[0] \"a b\"",
		"aws_lambda.functions[2].name: duplicate function name \"a-b\"",
		"aws_lambda.functions[3].path: is required",
		"aws_lambda.functions[3].name: invalid character '.'",
	}
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, len(want), "one line per problem:\n%s", err)
	for i, w := range want {
		assert.True(t, strings.HasPrefix(lines[i], w), "line %d = %q, want prefix %q", i, lines[i], w)
	}
	assert.Len(t, invalid.Unwrap(), len(want))
	var fe *FieldError
	require.True(t, errors.As(err, &fe))
	assert.Equal(t, "app_id", fe.Field)
}

func TestManifestValidateRules(t *testing.T) {
	tests := []struct {
		name    string
		modify  func(m *Manifest)
		wantErr string // empty: valid
	}{
		{"valid", func(*Manifest) {}, ""},
		{"empty version", func(m *Manifest) { m.Version = "" }, ""},
		{"http homepage", func(m *Manifest) { m.HomepageURL = "http://example.com" }, ""},
		{"homepage missing", func(m *Manifest) { m.HomepageURL = "" }, "homepage_url: is required"},
		{"homepage ftp", func(m *Manifest) { m.HomepageURL = "ftp://example.com" }, "homepage_url: must be an absolute http or https URL"},
		{"homepage no host", func(m *Manifest) { m.HomepageURL = "https:///path" }, "homepage_url: must be"},
		{"homepage relative", func(m *Manifest) { m.HomepageURL = "/docs" }, "homepage_url: must be"},
		{"display name blank", func(m *Manifest) { m.DisplayName = "  " }, "display_name: is required"},
		{"icon nested", func(m *Manifest) { m.Icon = "img/icon.png" }, ""},
		{"icon absolute", func(m *Manifest) { m.Icon = "/icon.png" }, "icon: must be the name of a static asset"},
		{"icon traversal", func(m *Manifest) { m.Icon = "img/../../x.png" }, "icon:"},
		{"act_as_bot alone", func(m *Manifest) { m.RequestedPermissions = Permissions{PermissionActAsBot} }, ""},
		{"webhooks with bot", func(m *Manifest) {
			m.RequestedPermissions = Permissions{PermissionRemoteWebhooks, PermissionActAsBot}
		}, ""},
		{"webhooks without bot", func(m *Manifest) {
			m.RequestedPermissions = Permissions{PermissionRemoteWebhooks}
		}, "requested_permissions: remote_webhooks requires act_as_bot"},
		{"channel notifications without bot", func(m *Manifest) {
			m.RequestedPermissions = Permissions{PermissionUserJoinedChannelNotification, PermissionActAsUser}
		}, "requested_permissions: user_joined_channel_notification requires act_as_bot"},
		{"oauth2 without user", func(m *Manifest) {
			m.RequestedPermissions = Permissions{PermissionRemoteOAuth2, PermissionActAsBot}
		}, "requested_permissions: remote_oauth2 requires act_as_user"},
		{"oauth2 with user", func(m *Manifest) {
			m.RequestedPermissions = Permissions{PermissionRemoteOAuth2, PermissionActAsUser}
		}, ""},
		{"unknown permission accepted", func(m *Manifest) { m.RequestedPermissions = Permissions{"future"} }, ""},
		{"webhook auth jwt", func(m *Manifest) { m.RemoteWebhookAuthType = RemoteWebhookAuthTypeJWT }, ""},
		{"no deploy section", func(m *Manifest) { m.AWSLambda = nil }, "aws_lambda: the manifest has no deploy section"},
		{"only http", func(m *Manifest) {
			m.AWSLambda = nil
			m.HTTP = json.RawMessage(`{"root_url":"http://x"}`)
		}, ""},
		{"http not an object", func(m *Manifest) { m.HTTP = json.RawMessage(`"http://x"`) }, "http: must be a JSON object"},
		{"null sections are absent", func(m *Manifest) {
			m.AWSLambda = nil
			m.HTTP = json.RawMessage(`null`)
		}, "aws_lambda: the manifest has no deploy section"},
		{"no functions", func(m *Manifest) { m.AWSLambda.Functions = nil }, "aws_lambda.functions: at least one function is required"},
		{"function name with space", func(m *Manifest) { m.AWSLambda.Functions[0].Name = "with space" }, ""},
		{"function name with slash", func(m *Manifest) { m.AWSLambda.Functions[0].Name = "a/b" }, "aws_lambda.functions[0].name: invalid character '/'"},
		{"function path missing", func(m *Manifest) { m.AWSLambda.Functions[0].Path = "" }, "aws_lambda.functions[0].path: is required"},
		{"function name missing", func(m *Manifest) { m.AWSLambda.Functions[0].Name = "" }, "aws_lambda.functions[0].name: is required"},
		{"function handler missing", func(m *Manifest) { m.AWSLambda.Functions[0].Handler = "" }, "aws_lambda.functions[0].handler: is required"},
		{"function runtime missing", func(m *Manifest) { m.AWSLambda.Functions[0].Runtime = "" }, "aws_lambda.functions[0].runtime: is required"},
		{"shared paths allowed", func(m *Manifest) {
			m.AWSLambda.Functions = append(m.AWSLambda.Functions, AWSLambdaFunction{Path: "/", Name: "other", Handler: "h", Runtime: "r"})
		}, ""},
		{"call with valid expand", func(m *Manifest) {
			m.OnInstall = &Call{Path: "/install", Expand: &Expand{ActingUser: "+summary", OAuth2App: ExpandAll}}
		}, ""},
		{"bindings bad path", func(m *Manifest) { m.Bindings = &Call{Path: "bindings"} }, "bindings.path: must start with '/'"},
		{"bindings empty path means default", func(m *Manifest) { m.Bindings = &Call{} }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := validManifest()
			tt.modify(m)
			err := m.Validate()
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestManifestBindingsCall(t *testing.T) {
	m := validManifest()
	assert.Equal(t, Call{Path: DefaultBindingsPath}, m.BindingsCall())
	m.Bindings = &Call{Expand: &Expand{Team: ExpandID}}
	assert.Equal(t, Call{Path: DefaultBindingsPath, Expand: &Expand{Team: ExpandID}}, m.BindingsCall())
	m.Bindings = &Call{Path: "/b"}
	assert.Equal(t, Call{Path: "/b"}, m.BindingsCall())
}

func TestManifestRoundTrip(t *testing.T) {
	data, err := os.ReadFile("testdata/hello-serverless.json")
	require.NoError(t, err)
	m, err := DecodeManifest(data)
	require.NoError(t, err)

	out, err := json.Marshal(m)
	require.NoError(t, err)
	assert.Contains(t, string(out), `"on_install":{"path":"/install"}`, "calls marshal as objects")
	m2, err := DecodeManifest(out)
	require.NoError(t, err)
	assert.Equal(t, m, m2)
}

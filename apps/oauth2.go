package apps

import "encoding/json"

// OAuth2App is an app's remote (third-party) OAuth2 client, as the app
// stores it with the app services API (POST /api/v1/oauth2/app) and gets it
// back in the call context (expand oauth2_app). The JSON names are those of
// the Mattermost Apps framework v1.2.
type OAuth2App struct {
	RemoteRootURL string `json:"remote_root_url,omitempty"`
	ClientID      string `json:"client_id,omitempty"`
	ClientSecret  string `json:"client_secret,omitempty"`
	// Data is the app's own data kept with the client (often service
	// account credentials).
	Data json.RawMessage `json:"data,omitempty"`
}

// OAuth2Context is the context's "oauth2" field: the remote OAuth2 client
// and the browser URLs that start and complete a user's connection (expand
// oauth2_app), and the data the app stored for the acting user (expand
// oauth2_user).
type OAuth2Context struct {
	OAuth2App
	ConnectURL  string          `json:"connect_url,omitempty"`
	CompleteURL string          `json:"complete_url,omitempty"`
	User        json.RawMessage `json:"user,omitempty"`
}

// The app's remote OAuth2 browser routes, under the app's path on the site
// (ExpandedContext.AppPath).
const (
	RemoteOAuth2ConnectPath  = "/oauth2/remote/connect"
	RemoteOAuth2CompletePath = "/oauth2/remote/complete"
)

// Package compat decides which site URL an app is given, so that apps
// written for the original Mattermost Apps framework run unchanged.
//
// Their drivers build every URL from the call context's
// mattermost_site_url: the Apps API as <site>/plugins/com.mattermost.apps/
// api/v1/..., the REST API as <site>/api/v4/..., static assets and webhooks
// as <site> + app_path. A plugin with the id com.mattermost.apps cannot run
// on current servers, so such apps are given
//
//	mattermost_site_url = <real site URL>/plugins/lambda-apps/compat
//	app_path            = /plugins/com.mattermost.apps/apps/<app id>
//
// and the plugin serves under that prefix (server/httpapi, compat.go): the
// app services API at /plugins/com.mattermost.apps/api/v1/..., the app's
// webhooks and static assets under /plugins/com.mattermost.apps/apps/<id>/,
// the REST API at /api/v4/... (forwarded to the server with the app's own
// token, only for tokens the plugin issued to that app), and a redirect to
// the real site for everything else (links apps write into posts, e.g.
// /_redirect/pl/<post id>).
//
// Apps listed in the NativeSiteURLApps setting get the real site URL and
// app_path /plugins/lambda-apps/apps/<app id> instead: they call the
// plugin's own API (/plugins/lambda-apps/api/v1/...) and the REST API
// directly, without the extra hop.
package compat

import (
	"strings"

	lambdaapps "github.com/lambda-apps/lambda-apps"
	"github.com/lambda-apps/lambda-apps/apps"
)

const (
	// Prefix is where the compatibility path starts, under the plugin's path.
	Prefix = "/compat"
	// OldPluginPath is the original framework's plugin path, which its
	// drivers append to mattermost_site_url.
	OldPluginPath = "/plugins/com.mattermost.apps"
)

// Policy gives each app its site URL and app path.
type Policy struct {
	// SiteURL is the server's site URL.
	SiteURL func() string
	// Native reports whether an app gets the real site URL.
	Native func(apps.AppID) bool
}

// ForApp returns the mattermost_site_url and app_path that app id is given.
func (p Policy) ForApp(id apps.AppID) (siteURL, appPath string) {
	site := strings.TrimRight(p.SiteURL(), "/")
	if p.Native != nil && p.Native(id) {
		return site, NativeAppPath(id)
	}
	return site + lambdaapps.PluginPath() + Prefix, OldPluginPath + "/apps/" + string(id)
}

// NativeAppPath is an app's path under the plugin: its static assets,
// webhooks and OAuth2 browser routes are served below it.
func NativeAppPath(id apps.AppID) string {
	return lambdaapps.PluginPath() + "/apps/" + string(id)
}

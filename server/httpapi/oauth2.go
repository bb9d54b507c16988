package httpapi

import (
	"context"
	"html/template"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/failure"
	"github.com/lambda-apps/lambda-apps/server/oauth2flow"
)

// OAuth2Flow runs apps' remote OAuth2 connections in the user's browser
// (oauth2flow.Service).
type OAuth2Flow interface {
	// Connect returns the remote URL that starts userID's connection.
	Connect(ctx context.Context, userID string, appID apps.AppID) (string, error)
	// Complete finishes it with the query values the remote service sent.
	Complete(ctx context.Context, userID string, appID apps.AppID, values map[string]string) error
	// DisplayName is what a page calls the app ("" if not installed).
	DisplayName(appID apps.AppID) string
}

// The browser routes of the remote OAuth2 flow, under the app's path.
const (
	oauth2ConnectRoute  = "/apps/{app_id}" + apps.RemoteOAuth2ConnectPath
	oauth2CompleteRoute = "/apps/{app_id}" + apps.RemoteOAuth2CompletePath
)

// oauth2PagePrefix starts the route names of the browser pages.
const oauth2PagePrefix = "oauth2-page-"

// isOAuth2Page reports whether the router matched r to a browser page of
// the flow (which answers HTML, also to a user who is not logged in).
func isOAuth2Page(r *http.Request) bool {
	route := mux.CurrentRoute(r)
	return route != nil && strings.HasPrefix(route.GetName(), oauth2PagePrefix)
}

// oauth2Connect serves GET .../apps/{app_id}/oauth2/remote/connect: it
// redirects the browser (302) to the remote service, or shows a page saying
// why not. The request must carry the Mattermost-User-Id header (the router
// checks it) and the app_id route variable.
func (a *api) oauth2Connect(w http.ResponseWriter, r *http.Request) {
	if a.OAuth2 == nil {
		a.oauth2Page(w, http.StatusServiceUnavailable, "", "Remote OAuth2 connections are not available on this server.")
		return
	}
	appID := apps.AppID(mux.Vars(r)["app_id"])
	target, err := a.OAuth2.Connect(r.Context(), UserID(r), appID)
	if err != nil {
		a.oauth2Failure(w, appID, err)
		return
	}
	noStore(w)
	http.Redirect(w, r, target, http.StatusFound)
}

// oauth2Complete serves GET .../apps/{app_id}/oauth2/remote/complete?state=&...:
// the remote service sends the browser back here. It answers a small page
// saying whether the connection worked.
func (a *api) oauth2Complete(w http.ResponseWriter, r *http.Request) {
	if a.OAuth2 == nil {
		a.oauth2Page(w, http.StatusServiceUnavailable, "", "Remote OAuth2 connections are not available on this server.")
		return
	}
	appID := apps.AppID(mux.Vars(r)["app_id"])
	q := r.URL.Query()
	values := make(map[string]string, len(q))
	for k := range q {
		values[k] = q.Get(k) // the first value, as the Apps framework sent them
	}
	if err := a.OAuth2.Complete(r.Context(), UserID(r), appID, values); err != nil {
		a.oauth2Failure(w, appID, err)
		return
	}
	name := a.OAuth2.DisplayName(appID)
	a.oauth2Page(w, http.StatusOK, "Connected", "Your account is now connected to "+orApp(name, appID)+". You can close this window.")
}

// oauth2Failure shows the page for a failed step.
func (a *api) oauth2Failure(w http.ResponseWriter, appID apps.AppID, err error) {
	name := orApp(a.OAuth2.DisplayName(appID), appID)
	status := failure.Status(err)
	switch {
	case oauth2flow.IsStateError(err):
		a.oauth2Page(w, status, "Not connected",
			"This link has expired or was already used: start again from "+name+".")
	default:
		a.oauth2Page(w, status, "Not connected", "Could not connect "+name+": "+failure.Message(err)+".")
	}
}

func orApp(name string, id apps.AppID) string {
	if name != "" {
		return name
	}
	return "the app " + string(id)
}

var oauth2PageTemplate = template.Must(template.New("oauth2").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto; padding: 0 1em">
<h1>{{.Title}}</h1>
<p>{{.Message}}</p>
</body></html>
`))

// oauth2Page writes a small HTML page. Its text is escaped; it loads
// nothing and is never cached, and the URL (which may carry a code) is not
// sent as a referrer anywhere.
func (a *api) oauth2Page(w http.ResponseWriter, status int, title, message string) {
	if title == "" {
		title = "Not connected"
	}
	noStore(w)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	if err := oauth2PageTemplate.Execute(w, struct{ Title, Message string }{title, message}); err != nil {
		a.Log.Debug("Could not write an OAuth2 page", "error", err.Error())
	}
}

func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
}

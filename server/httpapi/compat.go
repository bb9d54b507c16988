package httpapi

import (
	"errors"
	"net/http"
	"net/http/httputil"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/compat"
	"github.com/lambda-apps/lambda-apps/server/failure"
	"github.com/lambda-apps/lambda-apps/server/httpjson"
)

// The compatibility path (package compat): apps written for the original
// Apps framework are given <site>/plugins/lambda-apps/compat as their site
// URL, and everything their drivers build from it lands here.
var (
	compatOld    = compat.Prefix + compat.OldPluginPath // /compat/plugins/com.mattermost.apps
	compatAPIv4  = compat.Prefix + "/api/v4/"
	compatAppDir = compatOld + "/apps/{app_id}"
)

// compatUserRoutes registers the routes of the compatibility path that need
// a Mattermost user (an app's token): the app services API and static assets.
func (a *api) compatUserRoutes(root *mux.Router) {
	a.appServiceRoutes(prefixed{root, compatOld + "/api/v1"})
	root.HandleFunc(compatAppDir+"/static/{name:.+}", a.getStatic).Methods(http.MethodGet, http.MethodHead)
	root.PathPrefix(compatAPIv4).HandlerFunc(a.forwardAPI)
}

// compatOpenRoutes registers, on the router that sees requests before the
// user check, the routes of the compatibility path that anyone may reach:
// the app's webhooks (their senders authenticate to the app) and redirects.
// The routes that need a user go on to root.
func (a *api) compatOpenRoutes(outer *mux.Router, root http.Handler) {
	outer.PathPrefix(compatAPIv4).Handler(root)
	outer.PathPrefix(compatOld + "/api/").Handler(root)
	outer.PathPrefix(compatAppDir + "/static/").Handler(root)
	if a.Webhooks != nil {
		outer.PathPrefix(compatAppDir + "/webhook").HandlerFunc(a.webhookUnder(compatOld))
	}
	outer.PathPrefix(compatAppDir + "/").HandlerFunc(a.redirectToAppPath)
	outer.PathPrefix(compat.Prefix + "/").HandlerFunc(a.redirectToSite)
	outer.Path(compat.Prefix).HandlerFunc(a.redirectToSite)
}

// redirectToAppPath sends what an app built from its app_path, other than
// webhooks and static assets (e.g. the OAuth2 connect and complete routes),
// to the same place under the plugin's own app path.
func (a *api) redirectToAppPath(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["app_id"]
	rest := strings.TrimPrefix(r.URL.Path, compatOld+"/apps/"+id)
	a.redirect(w, r, compat.NativeAppPath(apps.AppID(id))+cleanRest(rest))
}

// redirectToSite sends everything else under the compatibility path to the
// real site: links apps write into posts (/_redirect/pl/<id>, /<team>/pl/<id>)
// keep working.
func (a *api) redirectToSite(w http.ResponseWriter, r *http.Request) {
	a.redirect(w, r, cleanRest(strings.TrimPrefix(r.URL.Path, compat.Prefix)))
}

func (a *api) redirect(w http.ResponseWriter, r *http.Request, sitePath string) {
	if a.SiteURL == nil || a.SiteURL() == "" {
		httpjson.Failure(w, errNoSiteURL)
		return
	}
	u := strings.TrimRight(a.SiteURL(), "/") + sitePath
	if r.URL.RawQuery != "" {
		u += "?" + r.URL.RawQuery
	}
	status := http.StatusFound
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		status = http.StatusTemporaryRedirect // keeps the method and body
	}
	http.Redirect(w, r, u, status)
}

// cleanRest makes a rooted, clean path of rest: a redirect stays on the
// site ("//evil.example" becomes "/evil.example").
func cleanRest(rest string) string {
	clean := path.Clean("/" + rest)
	if strings.HasSuffix(rest, "/") && clean != "/" {
		clean += "/"
	}
	return clean
}

var errNoSiteURL = failure.New(failure.Unavailable,
	"the Mattermost Site URL is not set: a system admin must set it (System Console > Environment > Web Server > Site URL)")

// forwardAPI forwards /compat/api/v4/... to the server's REST API with the
// app's own token. The server removes the Authorization header before a
// plugin sees a request, so the token is read back from the session the
// server authenticated; only tokens the plugin issued to an app are
// forwarded (a person's session is refused), so this route gives no one
// more than their token already allows.
func (a *api) forwardAPI(w http.ResponseWriter, r *http.Request) {
	if a.AppServices == nil {
		httpjson.Failure(w, failure.New(failure.Unavailable, "the app services API is not available"))
		return
	}
	if a.SiteURL == nil || a.SiteURL() == "" {
		httpjson.Failure(w, errNoSiteURL)
		return
	}
	target, err := url.Parse(strings.TrimRight(a.SiteURL(), "/"))
	if err != nil || target.Scheme == "" || target.Host == "" {
		httpjson.Failure(w, failure.New(failure.Unavailable, "the Mattermost Site URL is not a valid URL: a system admin must correct it"))
		return
	}
	c, token, err := a.AppServices.ForwardToken(SessionID(r), UserID(r))
	if err != nil {
		a.failure(w, r, err)
		return
	}
	restoreContentLength(r)
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Path = strings.TrimPrefix(pr.In.URL.Path, compat.Prefix)
			pr.Out.URL.RawPath = strings.TrimPrefix(pr.In.URL.RawPath, compat.Prefix)
			pr.SetURL(target)
			pr.Out.Header.Del(UserIDHeader)
			pr.Out.Header.Del("Cookie")
			pr.Out.Header.Set("Authorization", "Bearer "+token)
		},
		Transport: a.forwardTransport(),
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			// The transport's error names the URL, never the headers.
			a.Log.Warn("Could not forward an app's REST API request to the server", "app_id", string(c.App.ID()),
				"method", r.Method, "path", r.URL.Path, "error", err.Error())
			httpjson.Error(w, http.StatusBadGateway, errors.New("could not reach the Mattermost server at its Site URL; check that the server can reach its own Site URL"))
		},
	}
	proxy.ServeHTTP(w, r)
}

// restoreContentLength gives r back the length of its body. The server's
// plugin RPC passes a request on without its ContentLength (0), and
// ReverseProxy forwards no body at all for a request whose ContentLength is
// 0: an app's POST /api/v4/channels/direct or /api/v4/posts would reach the
// server empty. The Content-Length header is still there; without it the
// length is unknown (-1: the body is streamed) for methods that carry one.
func restoreContentLength(r *http.Request) {
	if r.ContentLength != 0 || r.Body == nil || r.Body == http.NoBody {
		return
	}
	if n, err := strconv.ParseInt(r.Header.Get("Content-Length"), 10, 64); err == nil && n >= 0 {
		r.ContentLength = n
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
	default:
		r.ContentLength = -1
	}
}

var defaultForward = func() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	t.ResponseHeaderTimeout = 60 * time.Second
	return t
}()

func (a *api) forwardTransport() http.RoundTripper {
	if a.Forward != nil {
		return a.Forward
	}
	return defaultForward
}

// webhookUnder serves remote webhooks under prefix + /apps/{app_id}/webhook.
func (a *api) webhookUnder(prefix string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := apps.AppID(mux.Vars(r)["app_id"])
		rest := strings.TrimPrefix(r.URL.Path, prefix+"/apps/"+string(id)+"/webhook")
		if rest != "" && !strings.HasPrefix(rest, "/") { // e.g. /webhooks
			httpjson.Error(w, http.StatusNotFound, errors.New("no such route"))
			return
		}
		a.Webhooks.Serve(w, r, id, rest)
	}
}

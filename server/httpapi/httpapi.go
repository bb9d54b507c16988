// Package httpapi serves the plugin's REST API under
// /plugins/lambda-apps/api/v1. Every route requires the Mattermost-User-Id
// header that the server sets for authenticated requests; admin routes also
// require the manage_system permission, and the app services routes (/kv,
// /oauth2) a token the plugin gave an app (the session, see WithSessionID).
// Errors are JSON: {"error": "..."}, except on the pages of the remote OAuth2
// flow that users open in their browser (/apps/{app_id}/oauth2/remote/...),
// which answer HTML.
package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"

	"github.com/gorilla/mux"
	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/bindings"
	"github.com/lambda-apps/lambda-apps/server/httpjson"
	"github.com/lambda-apps/lambda-apps/server/timing"
)

// UserIDHeader is set by the Mattermost server on authenticated requests.
const UserIDHeader = "Mattermost-User-Id"

// Logger is the structured logger used by the API.
type Logger interface {
	Error(message string, keyValuePairs ...any)
	Warn(message string, keyValuePairs ...any)
	Debug(message string, keyValuePairs ...any)
}

type api struct{ Deps }

type ctxKey struct{}

// UserID returns the authenticated user of a request handled by the router.
func UserID(r *http.Request) string {
	id, _ := r.Context().Value(ctxKey{}).(string)
	return id
}

// NewRouter returns the plugin's HTTP handler.
func NewRouter(d Deps) http.Handler {
	a := &api{d}
	root := mux.NewRouter()
	root.Use(a.recoverer, a.requireUser)
	root.NotFoundHandler = a.requireUser(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		httpjson.Error(w, http.StatusNotFound, errors.New("no such route"))
	}))
	root.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		httpjson.Error(w, http.StatusMethodNotAllowed, errors.New("method not allowed"))
	})

	// Full paths on the root router: gorilla subrouters answer 404 instead
	// of 405 on a method mismatch.
	v1 := prefixed{root, "/api/v1"}
	v1.HandleFunc("/ping", a.ping).Methods(http.MethodPost)
	v1.HandleFunc("/call", a.postCall).Methods(http.MethodPost)
	v1.Handle("/bindings", notCrossSite(a.getBindings)).Methods(http.MethodGet)
	v1.HandleFunc("/dialog", a.postDialog).Methods(http.MethodPost)
	v1.HandleFunc("/dialog/lookup", a.postDialogLookup).Methods(http.MethodPost)
	v1.HandleFunc("/post-action", a.postAction).Methods(http.MethodPost)
	v1.HandleFunc("/autocomplete/{kind}", a.getAutocomplete).Methods(http.MethodGet)
	v1.Handle("/lookup/{token}", notCrossSite(a.getLookup)).Methods(http.MethodGet)
	v1.HandleFunc("/apps/{app_id}/static/{name:.+}", a.getStatic).Methods(http.MethodGet, http.MethodHead)
	// The same assets under the app's path (app_path + /static/...).
	root.HandleFunc("/apps/{app_id}/static/{name:.+}", a.getStatic).Methods(http.MethodGet, http.MethodHead)

	admin := func(h http.HandlerFunc) http.Handler { return a.requireAdmin(h) }
	v1.Handle("/status", admin(a.getStatus)).Methods(http.MethodGet)
	v1.Handle("/metrics", admin(a.getMetrics)).Methods(http.MethodGet)
	v1.Handle("/catalog", admin(a.getCatalog)).Methods(http.MethodGet)
	v1.Handle("/refresh", admin(a.postRefresh)).Methods(http.MethodPost)
	for _, step := range []string{"install", "uninstall", "enable", "disable"} {
		v1.Handle("/"+step+"-app", admin(a.lifecycle(step))).Methods(http.MethodPost)
	}
	a.pprofRoutes(v1, admin)
	// The app services API: apps call it with their tokens.
	a.appServiceRoutes(v1)
	// The remote OAuth2 flow: pages the user's browser opens (GET, cookie).
	root.HandleFunc(oauth2ConnectRoute, a.oauth2Connect).Methods(http.MethodGet).Name(oauth2PagePrefix + "connect")
	root.HandleFunc(oauth2CompleteRoute, a.oauth2Complete).Methods(http.MethodGet).Name(oauth2PagePrefix + "complete")
	a.compatUserRoutes(root)

	// Remote webhooks come from other services, not from Mattermost users,
	// and the compatibility path's redirects need no user: they bypass
	// requireUser; everything else goes to the router above.
	outer := mux.NewRouter()
	// The compatibility path cleans its own paths (cleanRest): mux's
	// cleaning redirect would drop the plugin's path from the Location.
	outer.SkipClean(true)
	outer.Use(a.recoverer)
	if d.Webhooks != nil {
		outer.PathPrefix("/apps/{app_id}/webhook").HandlerFunc(a.webhookUnder(""))
	}
	a.compatOpenRoutes(outer, root)
	outer.NotFoundHandler = root
	return outer
}

type prefixed struct {
	r      *mux.Router
	prefix string
}

func (p prefixed) HandleFunc(path string, f http.HandlerFunc) *mux.Route {
	return p.r.HandleFunc(p.prefix+path, f)
}

func (p prefixed) Handle(path string, h http.Handler) *mux.Route { return p.r.Handle(p.prefix+path, h) }

func (a *api) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				a.Log.Error("Recovered from a panic in an HTTP handler", "url", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				httpjson.Error(w, http.StatusInternalServerError, errors.New("internal error"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (a *api) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		userID := r.Header.Get(UserIDHeader)
		if userID == "" && isOAuth2Page(r) {
			a.oauth2Page(w, http.StatusUnauthorized, "", "Log in to Mattermost first, then open this link again.")
			return
		}
		if userID == "" {
			httpjson.Error(w, http.StatusUnauthorized, errors.New("not authenticated: log in to Mattermost (or send a personal access token)"))
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, userID)))
	})
}

// notCrossSite guards GET routes that call apps as the user. The server
// authenticates a GET to a plugin by the session cookie alone, with no CSRF
// check, so another site could make a logged-in user's browser send one.
// Such a route therefore wants what Mattermost's own API wants of
// cookie-authenticated requests, the X-Requested-With: XMLHttpRequest header
// (the webapp sends it; a cross-site page cannot without CORS), or a request
// that no browser sent: the server's own requests to the plugin (e.g. its
// autocomplete asking /lookup) carry neither a User-Agent nor the fetch
// metadata that browsers always add.
func notCrossSite(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		xhr := r.Header.Get("X-Requested-With") == "XMLHttpRequest"
		fromServer := r.Header.Get("User-Agent") == "" && r.Header.Get("Sec-Fetch-Site") == ""
		if !xhr && !fromServer {
			httpjson.Error(w, http.StatusForbidden, errors.New("this route needs the header X-Requested-With: XMLHttpRequest (as Mattermost's API does for browser requests)"))
			return
		}
		next(w, r)
	})
}

func (a *api) requireAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.Admins.IsSystemAdmin(UserID(r)) {
			httpjson.Error(w, http.StatusForbidden, errors.New("forbidden: this route needs the manage_system permission"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (a *api) getStatus(w http.ResponseWriter, r *http.Request) {
	httpjson.Write(w, http.StatusOK, a.Status.Report(r.Context()))
}

// getBindings handles GET /api/v1/bindings?channel_id=&team_id=.
func (a *api) getBindings(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	where := bindings.Where{
		UserID: UserID(r), ChannelID: q.Get("channel_id"), TeamID: q.Get("team_id"),
		UserAgent: firstNonEmpty(q.Get("user_agent_type"), q.Get("user_agent"), "webapp"),
	}
	ctx, steps := timing.Start(r.Context())
	list, err := a.Bindings.ForUser(ctx, where)
	if err != nil {
		w.Header().Set(timing.HeaderName, steps.Header())
		httpjson.Failure(w, err)
		return
	}
	answer := httpjson.NewAnswer(r, apps.NewDataResponse(list))
	timing.Mark(ctx, "answer")
	w.Header().Set(timing.HeaderName, steps.Header())
	answer.Write(w)
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func (a *api) postDialog(w http.ResponseWriter, r *http.Request) {
	var req model.SubmitDialogRequest
	if err := httpjson.DecodeBody(r, 1<<20, &req); err != nil {
		httpjson.Error(w, http.StatusBadRequest, fmt.Errorf("not a dialog submission: %w", err))
		return
	}
	httpjson.Write(w, http.StatusOK, a.Dialogs.SubmitDialog(r.Context(), UserID(r), &req))
}

func (a *api) getAutocomplete(w http.ResponseWriter, r *http.Request) {
	httpjson.Write(w, http.StatusOK, a.Autocomplete.AppIDs(UserID(r), mux.Vars(r)["kind"]))
}

func (a *api) ping(w http.ResponseWriter, _ *http.Request) {
	httpjson.Write(w, http.StatusOK, map[string]string{"version": a.Version})
}

func (a *api) getCatalog(w http.ResponseWriter, _ *http.Request) {
	httpjson.Write(w, http.StatusOK, a.Catalog.View())
}

func (a *api) postRefresh(w http.ResponseWriter, r *http.Request) {
	res, err := a.Catalog.Refresh(r.Context())
	if err != nil {
		httpjson.Error(w, http.StatusBadGateway, fmt.Errorf("catalog refresh failed: %w", err))
		return
	}
	httpjson.Write(w, http.StatusOK, res)
}

// Route is one route of the API: a method and a path template (gorilla/mux
// syntax, e.g. /api/v1/apps/{app_id}/static/{name:.+}).
type Route struct {
	Method, Path string
}

// Routes lists every route NewRouter serves, from the router itself, so that
// tests covering all routes (the auth matrix) notice a new one.
func Routes() []Route {
	h := NewRouter(Deps{Webhooks: webhookRoutesOnly{}})
	var out []Route
	outer := h.(*mux.Router)
	root, _ := outer.NotFoundHandler.(*mux.Router)
	walk := func(r *mux.Router) {
		_ = r.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
			if h, ok := route.GetHandler().(*mux.Router); ok && h == root {
				return mux.SkipRouter // passes requests on to root, whose routes are listed
			}
			tpl, err := route.GetPathTemplate()
			if err != nil {
				return nil //nolint:nilerr // a route without a path (none today)
			}
			methods, err := route.GetMethods()
			if err != nil {
				methods = []string{"*"} // every method (the webhook route)
			}
			for _, m := range methods {
				out = append(out, Route{Method: m, Path: tpl})
			}
			return nil
		})
	}
	walk(outer)
	if root != nil {
		walk(root)
	}
	return out
}

// webhookRoutesOnly stands in for the webhook service when only the routes
// are listed.
type webhookRoutesOnly struct{}

func (webhookRoutesOnly) Serve(http.ResponseWriter, *http.Request, apps.AppID, string) {}

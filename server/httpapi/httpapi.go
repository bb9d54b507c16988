// Package httpapi serves the plugin's REST API under
// /plugins/lambda-apps/api/v1. Every route requires the Mattermost-User-Id
// header that the server sets for authenticated requests; admin routes also
// require the manage_system permission. Errors are JSON: {"error": "..."}.
package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/gorilla/mux"
	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/s3store"
	"github.com/lambda-apps/lambda-apps/server/appcmd"
	"github.com/lambda-apps/lambda-apps/server/bindings"
	"github.com/lambda-apps/lambda-apps/server/status"
)

// UserIDHeader is set by the Mattermost server on authenticated requests.
const UserIDHeader = "Mattermost-User-Id"

// Logger is the structured logger used by the API.
type Logger interface {
	Error(message string, keyValuePairs ...any)
	Warn(message string, keyValuePairs ...any)
	Debug(message string, keyValuePairs ...any)
}

// Deps are the services the API serves.
type Deps struct {
	Version       string
	Status        func(ctx context.Context) status.Report
	IsSystemAdmin func(userID string) bool
	Log           Logger
	// Call runs a user agent's call (POST /call).
	Call func(ctx context.Context, userID string, creq *apps.CallRequest) (*apps.CallResponse, error)
	// OpenStatic opens an installed app's static asset; ErrStaticNotFound
	// (or s3store.ErrNotFound) for unknown apps or assets.
	OpenStatic func(ctx context.Context, appID apps.AppID, name, ifNoneMatch string) (*s3store.Content, error)
	// Catalog returns the catalog as a JSON-encodable value.
	Catalog func() any
	// Refresh resyncs the catalog from S3 and says what it did.
	Refresh func(ctx context.Context) (any, error)
	// Lifecycle installs, uninstalls, enables and disables apps.
	Lifecycle Lifecycle
	// Bindings returns the merged bindings of the enabled apps; it fails
	// (appcall.ErrForbidden) for a context the user may not use.
	Bindings func(ctx context.Context, w bindings.Where) ([]apps.Binding, error)
	// SubmitDialog handles submissions of the plugin's interactive dialogs.
	SubmitDialog func(ctx context.Context, userID string, req *model.SubmitDialogRequest) *model.SubmitDialogResponse
	// DialogLookup answers lookups of dynamic selects in the plugin's
	// dialogs (POST /dialog/lookup, called by the server).
	DialogLookup func(ctx context.Context, userID string, req *model.SubmitDialogRequest) (*model.LookupDialogResponse, error)
	// Autocomplete lists app IDs of a kind for /apps autocomplete.
	Autocomplete func(userID, kind string) []model.AutocompleteListItem
	// Webhook, when set, receives remote webhooks for apps at
	// /apps/{app_id}/webhook{rest}: the one route that needs no Mattermost
	// user (the sender authenticates with the app's webhook secret).
	Webhook func(w http.ResponseWriter, r *http.Request, appID apps.AppID, rest string)
	// Suggest looks up the choices of an app command's dynamic_select
	// argument (GET /lookup/{token}, called by the server's autocomplete).
	Suggest func(ctx context.Context, req appcmd.SuggestRequest) ([]model.AutocompleteListItem, error)
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
		WriteError(w, http.StatusNotFound, errors.New("no such route"))
	}))
	root.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		WriteError(w, http.StatusMethodNotAllowed, errors.New("method not allowed"))
	})

	// Full paths on the root router: gorilla subrouters answer 404 instead
	// of 405 on a method mismatch.
	v1 := prefixed{root, "/api/v1"}
	v1.HandleFunc("/ping", a.ping).Methods(http.MethodPost)
	v1.HandleFunc("/call", a.postCall).Methods(http.MethodPost)
	v1.Handle("/bindings", notCrossSite(a.getBindings)).Methods(http.MethodGet)
	v1.HandleFunc("/dialog", a.postDialog).Methods(http.MethodPost)
	v1.HandleFunc("/dialog/lookup", a.postDialogLookup).Methods(http.MethodPost)
	v1.HandleFunc("/autocomplete/{kind}", a.getAutocomplete).Methods(http.MethodGet)
	v1.Handle("/lookup/{token}", notCrossSite(a.getLookup)).Methods(http.MethodGet)
	v1.HandleFunc("/apps/{app_id}/static/{name:.+}", a.getStatic).Methods(http.MethodGet, http.MethodHead)

	admin := func(h http.HandlerFunc) http.Handler { return a.requireAdmin(h) }
	v1.Handle("/status", admin(a.getStatus)).Methods(http.MethodGet)
	v1.Handle("/catalog", admin(a.getCatalog)).Methods(http.MethodGet)
	v1.Handle("/refresh", admin(a.postRefresh)).Methods(http.MethodPost)
	for _, step := range []string{"install", "uninstall", "enable", "disable"} {
		v1.Handle("/"+step+"-app", admin(a.lifecycle(step))).Methods(http.MethodPost)
	}
	if d.Webhook == nil {
		return root
	}
	// Remote webhooks come from other services, not from Mattermost users:
	// they bypass requireUser; everything else goes to the router above.
	outer := mux.NewRouter()
	outer.Use(a.recoverer)
	outer.PathPrefix("/apps/{app_id}/webhook").HandlerFunc(a.webhook)
	outer.NotFoundHandler = root
	return outer
}

func (a *api) webhook(w http.ResponseWriter, r *http.Request) {
	id := apps.AppID(mux.Vars(r)["app_id"])
	rest := strings.TrimPrefix(r.URL.Path, "/apps/"+string(id)+"/webhook")
	if rest != "" && !strings.HasPrefix(rest, "/") { // e.g. /webhooks
		WriteError(w, http.StatusNotFound, errors.New("no such route"))
		return
	}
	a.Webhook(w, r, id, rest)
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
				WriteError(w, http.StatusInternalServerError, errors.New("internal error"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (a *api) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		userID := r.Header.Get(UserIDHeader)
		if userID == "" {
			WriteError(w, http.StatusUnauthorized, errors.New("not authenticated: log in to Mattermost (or send a personal access token)"))
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
			WriteError(w, http.StatusForbidden, errors.New("this route needs the header X-Requested-With: XMLHttpRequest (as Mattermost's API does for browser requests)"))
			return
		}
		next(w, r)
	})
}

func (a *api) requireAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.IsSystemAdmin(UserID(r)) {
			WriteError(w, http.StatusForbidden, errors.New("forbidden: this route needs the manage_system permission"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (a *api) getStatus(w http.ResponseWriter, r *http.Request) {
	WriteJSON(w, http.StatusOK, a.Status(r.Context()))
}

// getBindings handles GET /api/v1/bindings?channel_id=&team_id=.
func (a *api) getBindings(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	where := bindings.Where{
		UserID: UserID(r), ChannelID: q.Get("channel_id"), TeamID: q.Get("team_id"),
		UserAgent: firstNonEmpty(q.Get("user_agent_type"), q.Get("user_agent"), "webapp"),
	}
	list, err := a.Bindings(r.Context(), where)
	if err != nil {
		WriteError(w, callErrorStatus(err), err)
		return
	}
	WriteJSON(w, http.StatusOK, apps.NewDataResponse(list))
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
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		WriteError(w, http.StatusBadRequest, fmt.Errorf("not a dialog submission: %w", err))
		return
	}
	WriteJSON(w, http.StatusOK, a.SubmitDialog(r.Context(), UserID(r), &req))
}

func (a *api) getAutocomplete(w http.ResponseWriter, r *http.Request) {
	WriteJSON(w, http.StatusOK, a.Autocomplete(UserID(r), mux.Vars(r)["kind"]))
}

func (a *api) ping(w http.ResponseWriter, _ *http.Request) {
	WriteJSON(w, http.StatusOK, map[string]string{"version": a.Version})
}

func (a *api) getCatalog(w http.ResponseWriter, _ *http.Request) {
	WriteJSON(w, http.StatusOK, a.Catalog())
}

func (a *api) postRefresh(w http.ResponseWriter, r *http.Request) {
	res, err := a.Refresh(r.Context())
	if err != nil {
		WriteError(w, http.StatusBadGateway, fmt.Errorf("catalog refresh failed: %w", err))
		return
	}
	WriteJSON(w, http.StatusOK, res)
}

// WriteJSON writes v as JSON with the given status.
func WriteJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// WriteError writes {"error": err} with the given status.
func WriteError(w http.ResponseWriter, code int, err error) {
	WriteJSON(w, code, map[string]string{"error": err.Error()})
}

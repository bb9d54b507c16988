package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/lambda-apps/lambda-apps/server/appservices"
	"github.com/lambda-apps/lambda-apps/server/failure"
	"github.com/lambda-apps/lambda-apps/server/httpjson"
)

// AppServices is the API apps call with the tokens they got in their calls
// (appservices.Service).
type AppServices interface {
	Caller(sessionID, userID string) (*appservices.Caller, error)
	// ForwardToken is Caller plus the session's token, for forwarding the
	// app's REST API requests (compatibility path).
	ForwardToken(sessionID, userID string) (*appservices.Caller, string, error)
	KVGet(c *appservices.Caller, prefix, key string) ([]byte, error)
	KVSet(c *appservices.Caller, prefix, key string, data []byte) (bool, error)
	KVDelete(c *appservices.Caller, prefix, key string) error
	StoreOAuth2App(c *appservices.Caller, data []byte) error
	StoreOAuth2User(c *appservices.Caller, data []byte) error
	OAuth2User(c *appservices.Caller) ([]byte, error)
}

type sessionKey struct{}

// WithSessionID returns ctx with the ID of the Mattermost session that the
// server authenticated the request with (plugin.Context.SessionId).
func WithSessionID(ctx context.Context, sessionID string) context.Context {
	return context.WithValue(ctx, sessionKey{}, sessionID)
}

// SessionID returns the session ID that WithSessionID put into the
// request's context, "" when none.
func SessionID(r *http.Request) string {
	id, _ := r.Context().Value(sessionKey{}).(string)
	return id
}

// appHandler is a handler of the app services API, given its caller.
type appHandler func(w http.ResponseWriter, r *http.Request, c *appservices.Caller)

// appOnly resolves the app calling the route (its token's session) before
// anything else: a person's own session is refused.
func (a *api) appOnly(h appHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.AppServices == nil {
			httpjson.Failure(w, failure.New(failure.Unavailable, "the app services API is not available"))
			return
		}
		c, err := a.AppServices.Caller(SessionID(r), UserID(r))
		if err != nil {
			a.failure(w, r, err)
			return
		}
		h(w, r, c)
	})
}

// failure answers err and logs it when it is the plugin's own failure.
func (a *api) failure(w http.ResponseWriter, r *http.Request, err error) {
	if failure.KindOf(err) == failure.Internal {
		a.Log.Error("App services request failed", "method", r.Method, "path", r.URL.Path, "error", err.Error())
	}
	httpjson.Failure(w, err)
}

// readValue reads a value an app stores: at most appservices.MaxValueSize
// bytes (413 above).
func readValue(r *http.Request) ([]byte, error) {
	data, err := httpjson.ReadBody(r, appservices.MaxValueSize)
	if errors.Is(err, httpjson.ErrTooLarge) {
		return nil, appservices.ErrTooLarge
	}
	if err != nil {
		return nil, failure.Hide(failure.BadRequest, "could not read the request body", err)
	}
	return data, nil
}

// kvGet handles GET /api/v1/kv/[{prefix}/]{key}: the stored JSON, {} when
// none.
func (a *api) kvGet(w http.ResponseWriter, r *http.Request, c *appservices.Caller) {
	v := mux.Vars(r)
	data, err := a.AppServices.KVGet(c, v["prefix"], v["key"])
	if err != nil {
		a.failure(w, r, err)
		return
	}
	httpjson.Raw(w, data)
}

// kvPut handles PUT|POST /api/v1/kv/[{prefix}/]{key}: {"changed": bool}.
func (a *api) kvPut(w http.ResponseWriter, r *http.Request, c *appservices.Caller) {
	v := mux.Vars(r)
	data, err := readValue(r)
	if err != nil {
		a.failure(w, r, err)
		return
	}
	changed, err := a.AppServices.KVSet(c, v["prefix"], v["key"], data)
	if err != nil {
		a.failure(w, r, err)
		return
	}
	httpjson.Write(w, http.StatusOK, map[string]bool{"changed": changed})
}

// kvDelete handles DELETE /api/v1/kv/[{prefix}/]{key}.
func (a *api) kvDelete(w http.ResponseWriter, r *http.Request, c *appservices.Caller) {
	v := mux.Vars(r)
	if err := a.AppServices.KVDelete(c, v["prefix"], v["key"]); err != nil {
		a.failure(w, r, err)
		return
	}
	httpjson.Write(w, http.StatusOK, map[string]any{})
}

// storeOAuth2 handles PUT|POST /api/v1/oauth2/app and /api/v1/oauth2/user.
func (a *api) storeOAuth2(store func(*appservices.Caller, []byte) error) appHandler {
	return func(w http.ResponseWriter, r *http.Request, c *appservices.Caller) {
		data, err := readValue(r)
		if err != nil {
			a.failure(w, r, err)
			return
		}
		if err := store(c, data); err != nil {
			a.failure(w, r, err)
			return
		}
		httpjson.Write(w, http.StatusOK, map[string]any{})
	}
}

// getOAuth2User handles GET /api/v1/oauth2/user: the stored JSON, {} when
// none.
func (a *api) getOAuth2User(w http.ResponseWriter, r *http.Request, c *appservices.Caller) {
	data, err := a.AppServices.OAuth2User(c)
	if err != nil {
		a.failure(w, r, err)
		return
	}
	httpjson.Raw(w, data)
}

// appServiceRoutes registers the app services API.
func (a *api) appServiceRoutes(v1 prefixed) {
	for _, p := range []string{"/kv/{key}", "/kv/{prefix}/{key}"} {
		v1.Handle(p, a.appOnly(a.kvGet)).Methods(http.MethodGet)
		v1.Handle(p, a.appOnly(a.kvPut)).Methods(http.MethodPut, http.MethodPost)
		v1.Handle(p, a.appOnly(a.kvDelete)).Methods(http.MethodDelete)
	}
	v1.Handle("/oauth2/app", a.appOnly(a.storeOAuth2(func(c *appservices.Caller, d []byte) error {
		return a.AppServices.StoreOAuth2App(c, d)
	}))).Methods(http.MethodPut, http.MethodPost)
	v1.Handle("/oauth2/user", a.appOnly(a.getOAuth2User)).Methods(http.MethodGet)
	v1.Handle("/oauth2/user", a.appOnly(a.storeOAuth2(func(c *appservices.Caller, d []byte) error {
		return a.AppServices.StoreOAuth2User(c, d)
	}))).Methods(http.MethodPut, http.MethodPost)
	a.subscribeRoutes(v1)
}

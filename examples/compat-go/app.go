package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/mux"
	"github.com/mattermost/mattermost-plugin-apps/apps"
	"github.com/mattermost/mattermost-plugin-apps/utils/httputils"
)

// Call paths. The manifest names the lifecycle and OAuth2 ones; the
// bindings name the others.
const (
	pathPing            = "/ping"
	pathBindings        = "/bindings"
	pathKVSet           = "/kv/set"
	pathKVGet           = "/kv/get"
	pathKVDelete        = "/kv/delete"
	pathConfigure       = "/configure"
	pathConnect         = "/connect"
	pathWhoAmIRemote    = "/whoami-remote"
	pathOAuth2Connect   = "/oauth2/connect"
	pathOAuth2Complete  = "/oauth2/complete"
	pathSubscribe       = "/subscribe"
	pathUnsubscribe     = "/unsubscribe"
	pathSubscriptions   = "/subscriptions"
	pathUserJoinedNotif = "/notify/user-joined-channel"
)

// remoteTimeout bounds each request to the remote OAuth2 provider.
const remoteTimeout = 10 * time.Second

// callHandler answers one call.
type callHandler func(ctx context.Context, creq *apps.CallRequest) apps.CallResponse

// app holds what the handlers share.
type app struct {
	log *slog.Logger
	// remote is the HTTP client for the remote OAuth2 provider.
	remote *http.Client
}

func newApp(logger *slog.Logger) *app {
	return &app{log: logger, remote: &http.Client{Timeout: remoteTimeout}}
}

// handler routes call paths to their handlers, as a v1.2 Go app's HTTP
// server did.
func (a *app) handler() http.Handler {
	r := mux.NewRouter()
	for path, h := range map[string]callHandler{
		pathPing:            a.ping,
		pathBindings:        a.bindings,
		pathKVSet:           a.kvSet,
		pathKVGet:           a.kvGet,
		pathKVDelete:        a.kvDelete,
		pathConfigure:       a.configure,
		pathConnect:         a.connect,
		pathWhoAmIRemote:    a.whoAmIRemote,
		pathOAuth2Connect:   a.oauth2ConnectURL,
		pathOAuth2Complete:  a.oauth2Complete,
		pathSubscribe:       a.subscribe,
		pathUnsubscribe:     a.unsubscribe,
		pathSubscriptions:   a.subscriptions,
		pathUserJoinedNotif: a.userJoinedChannel,
	} {
		r.Path(path).Handler(a.call(path, h))
	}
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		a.log.Warn("unknown call path", "path", req.URL.Path)
		_ = httputils.WriteJSONStatus(w, http.StatusNotFound,
			errorf("%s is not a path of compat-go", req.URL.Path))
	})
	return r
}

// call decodes the CallRequest, runs h and writes its CallResponse. It logs
// the path, the users and the outcome, never the context's tokens.
func (a *app) call(path string, h callHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		start := time.Now()
		body, err := httputils.LimitReadAll(req.Body, httputils.InLimit)
		if err != nil {
			_ = httputils.WriteJSONStatus(w, http.StatusBadRequest, errorf("read the call request: %v", err))
			return
		}
		creq, err := apps.CallRequestFromJSON(body)
		if err != nil {
			_ = httputils.WriteJSONStatus(w, http.StatusBadRequest, errorf("the body is not a CallRequest: %v", err))
			return
		}
		cresp := h(req.Context(), creq)
		a.log.Info("call",
			"path", path,
			"user_id", creq.Context.UserID,
			"acting_user_id", actingUserID(creq),
			"channel_id", creq.Context.ChannelID,
			"response_type", string(cresp.Type),
			"duration_ms", time.Since(start).Milliseconds())
		if cresp.Type == apps.CallResponseTypeError {
			a.log.Warn("call failed", "path", path, "error", cresp.Text)
		}
		_ = httputils.WriteJSON(w, cresp)
	})
}

func (a *app) ping(context.Context, *apps.CallRequest) apps.CallResponse {
	return apps.CallResponse{Type: apps.CallResponseTypeOK}
}

// errorf is an error CallResponse.
func errorf(format string, args ...any) apps.CallResponse {
	return apps.CallResponse{Type: apps.CallResponseTypeError, Text: fmt.Sprintf(format, args...)}
}

func actingUserID(creq *apps.CallRequest) string {
	if creq.Context.ActingUser != nil {
		return creq.Context.ActingUser.Id
	}
	return ""
}

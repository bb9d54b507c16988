// Package webhook receives remote webhooks for installed apps, at
// /plugins/lambda-apps/apps/{app_id}/webhook/{path...} (the app's app_path
// plus /webhook), and passes each one on to the app's on_remote_webhook call
// (default /webhook, plus the path) as an asynchronous Lambda Event
// invocation, the way the Mattermost Apps framework did.
//
// Only installed, enabled apps granted remote_webhooks receive webhooks. The
// sender authenticates as the manifest's remote_webhook_auth_type says:
// "secret" (the default) with ?secret=<the app's webhook secret>, "jwt" with
// an HS256 JWT signed with that secret in the Authorization header (exp
// required and at most MaxJWTLifetime ahead; with iat, exp - iat at most
// MaxJWTLifetime; nbf honoured; one minute of leeway for clock skew), "none"
// not at all. The app learns its secret from the expanded app (level all).
package webhook

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/httpjson"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// MaxBodyBytes bounds a webhook's body: the call that carries it must fit in
// Lambda's 256 KB limit for asynchronous invocations, with its context.
const MaxBodyBytes = 128 << 10

// Logger is the structured logger.
type Logger interface {
	Debug(message string, keyValuePairs ...any)
	Warn(message string, keyValuePairs ...any)
}

// Deps are what the handler needs.
type Deps struct {
	// App returns an installed app.
	App func(apps.AppID) (*store.InstalledApp, error)
	// Secret returns the app's webhook secret.
	Secret func(apps.AppID) (string, error)
	// Notify invokes the app asynchronously.
	Notify func(ctx context.Context, app *store.InstalledApp, creq *apps.CallRequest, actingUserID string) error
	Log    Logger
	// Now is the clock for JWT expiry (time.Now when nil).
	Now func() time.Time
}

// Handler passes remote webhooks on to apps.
type Handler struct{ Deps }

// New returns a Handler.
func New(d Deps) *Handler {
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Handler{d}
}

// errNoWebhook answers every request for an app that does not take
// webhooks, whatever the reason, so that senders learn nothing about apps.
var errNoWebhook = errors.New("no such webhook: the app is not installed, not enabled, or not granted remote_webhooks")

// Serve handles a webhook for appID; rest is the URL path after
// /apps/{app_id}/webhook ("" or "/...").
func (h *Handler) Serve(w http.ResponseWriter, r *http.Request, appID apps.AppID, rest string) {
	app, err := h.App(appID)
	if err != nil || !app.Enabled() || !apps.Permissions(app.GrantedPermissions).Contains(apps.PermissionRemoteWebhooks) {
		httpjson.Error(w, http.StatusNotFound, errNoWebhook)
		return
	}
	callPath, err := webhookPath(app.Manifest.OnRemoteWebhook, rest)
	if err != nil {
		httpjson.Error(w, http.StatusBadRequest, err)
		return
	}
	if err := h.authenticate(r, app); err != nil {
		h.Log.Warn("Refused a remote webhook", "app_id", string(appID), "path", callPath, "reason", err.Error())
		httpjson.Error(w, http.StatusUnauthorized, err)
		return
	}
	body, err := httpjson.ReadBody(r, MaxBodyBytes)
	if err != nil {
		if errors.Is(err, httpjson.ErrTooLarge) {
			httpjson.Error(w, http.StatusRequestEntityTooLarge, fmt.Errorf("the webhook body is over %d KB, the most an app can receive asynchronously", MaxBodyBytes>>10))
			return
		}
		httpjson.Error(w, http.StatusBadRequest, fmt.Errorf("read the webhook body: %w", err))
		return
	}
	creq := &apps.CallRequest{
		Call:    apps.Call{Path: callPath, Expand: onRemoteWebhook(app.Manifest.OnRemoteWebhook).Expand},
		Values:  webhookValues(r, body),
		Context: apps.Context{AppID: appID, UserAgent: "webhook"},
	}
	if err := h.Notify(r.Context(), app, creq, ""); err != nil {
		h.Log.Warn("Could not pass a remote webhook on to the app", "app_id", string(appID), "path", callPath, "error", err.Error())
		httpjson.Failure(w, err)
		return
	}
	h.Log.Debug("Remote webhook passed on", "app_id", string(appID), "path", callPath, "bytes", len(body))
	httpjson.Write(w, http.StatusOK, map[string]string{"status": "ok"})
}

// onRemoteWebhook is the manifest's on_remote_webhook call, or the default.
func onRemoteWebhook(c *apps.Call) apps.Call {
	if c == nil || c.Path == "" {
		out := apps.Call{Path: apps.DefaultOnRemoteWebhookPath}
		if c != nil {
			out.Expand = c.Expand
		}
		return out
	}
	return *c
}

// webhookPath is the app's call path for a webhook: the on_remote_webhook
// path plus what followed /webhook in the URL. Dot segments are refused:
// a webhook cannot reach the app's other paths.
func webhookPath(c *apps.Call, rest string) (string, error) {
	base := onRemoteWebhook(c).Path
	if rest == "" || rest == "/" {
		return base, nil
	}
	if !strings.HasPrefix(rest, "/") {
		return "", errNoWebhook
	}
	for _, seg := range strings.Split(rest[1:], "/") {
		if seg == "." || seg == ".." {
			return "", errors.New("the webhook path may not contain . or .. segments")
		}
	}
	return path.Join(base, rest), nil
}

// webhookValues are the call values of a webhook, as the Apps framework
// sent them: the data (JSON when the body is JSON, else the text), the
// headers (without credentials), the method and the query (without the
// secret).
func webhookValues(r *http.Request, body []byte) map[string]any {
	var data any
	if len(body) > 0 {
		if json.Valid(body) {
			data = json.RawMessage(body)
		} else {
			data = string(body)
		}
	}
	headers := map[string]string{}
	for name, vals := range r.Header {
		switch http.CanonicalHeaderKey(name) {
		case "Authorization", "Cookie", "Mattermost-User-Id", "X-Forwarded-For":
			continue
		}
		headers[name] = strings.Join(vals, ", ")
	}
	q := r.URL.Query()
	q.Del("secret")
	return map[string]any{
		"data":       data,
		"headers":    headers,
		"httpMethod": r.Method,
		"rawQuery":   q.Encode(),
	}
}

// authenticate checks the sender as the manifest says.
func (h *Handler) authenticate(r *http.Request, app *store.InstalledApp) error {
	kind := app.Manifest.RemoteWebhookAuthType
	if kind == apps.RemoteWebhookAuthTypeNone {
		return nil
	}
	secret, err := h.Secret(app.ID())
	if err != nil {
		return fmt.Errorf("the app's webhook secret is not available: %w", err)
	}
	switch kind {
	case apps.RemoteWebhookAuthTypeJWT:
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || token == "" {
			return errors.New("missing Authorization: Bearer <JWT signed with the app's webhook secret>")
		}
		return verifyJWT(token, secret, h.Now())
	default: // secret
		got := r.URL.Query().Get("secret")
		if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			return errors.New("missing or wrong ?secret=: use the app's webhook secret")
		}
		return nil
	}
}

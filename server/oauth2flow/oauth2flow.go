// Package oauth2flow runs an app's remote (third-party) OAuth2 connection
// for a Mattermost user, as the Mattermost Apps framework v1.2 did. The
// user's browser opens the app's connect URL
// (<site>/plugins/lambda-apps/apps/<app_id>/oauth2/remote/connect): Connect
// makes a one-time state bound to the app and the user, asks the app's
// get_oauth2_connect_url for the remote authorization URL that carries it,
// and the browser goes there. The remote service sends the browser back to
// the complete URL with the state (and a code): Complete consumes the state,
// which must be the user's own, unused and younger than StateLifetime, and
// passes the query values on to the app's on_oauth2_complete, which
// typically trades the code for a token and stores it with the app services
// API (oauth2/user).
//
// States live in the plugin KV store under the app's data prefix
// (store.OAuth2StateKey), so that uninstalling the app discards them, and
// are consumed with a compare-and-delete: a state completes one connection,
// even when two requests race on two cluster nodes. Neither states, codes
// nor anything else the remote service sent are logged.
package oauth2flow

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/mattermost/mattermost/server/public/pluginapi"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/failure"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// StateLifetime is how long a user has to complete a connection.
const StateLifetime = 15 * time.Minute

// stateBytes is the randomness of a state: 256 bits, 43 base64url
// characters.
const stateBytes = 32

// maxConnectURL bounds the URL an app may send the browser to.
const maxConnectURL = 8 << 10

// maxAppText bounds how much of an app's error text a page shows.
const maxAppText = 500

// Errors the flow returns; their kinds (package failure) decide the HTTP
// status, their texts are shown on the page.
var (
	ErrNotInstalled = failure.New(failure.NotFound, "this app is not installed")
	ErrDisabled     = failure.New(failure.Forbidden, "this app is disabled")
	ErrNotGranted   = failure.New(failure.Forbidden, "this app was not granted remote_oauth2")
	ErrNoState      = failure.New(failure.BadRequest, "this link has no valid state")
	ErrStaleState   = failure.New(failure.Forbidden, "this link has expired or was already used")
	ErrAppRefused   = failure.New(failure.Upstream, "the app refused")
	ErrBadConnect   = failure.New(failure.Upstream, "the app did not answer a connect URL")
)

// KV is the part of the plugin KV store the flow uses (pluginapi.KVService).
type KV interface {
	Get(key string, o any) error
	Set(key string, value any, options ...pluginapi.KVSetOption) (bool, error)
	Delete(key string) error
}

// Apps gives installed apps (store.Apps).
type Apps interface {
	Get(id apps.AppID) (*store.InstalledApp, error)
}

// Caller makes the plugin's own calls to apps on behalf of the acting user
// (appcall.Service.Call): the user started the flow in their browser, so
// the app may get their token if its call expands it.
type Caller interface {
	Call(ctx context.Context, app *store.InstalledApp, creq *apps.CallRequest, actingUserID string) (*apps.CallResponse, error)
}

// Logger is the structured logger.
type Logger interface {
	Debug(message string, keyValuePairs ...any)
	Warn(message string, keyValuePairs ...any)
}

// Deps are what the flow needs.
type Deps struct {
	Apps  Apps
	Calls Caller
	KV    KV
	Log   Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Random is the source of states (crypto/rand when nil).
	Random io.Reader
}

// Service runs the remote OAuth2 flow.
type Service struct{ Deps }

// New returns a Service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Random == nil {
		d.Random = rand.Reader
	}
	return &Service{d}
}

// pending is the record of a state in the KV store. The expiry is kept in
// it as well as set on the key: a state is refused after it whatever the
// store does with expired keys.
type pending struct {
	AppID     apps.AppID `json:"app_id"`
	UserID    string     `json:"user_id"`
	ExpiresAt int64      `json:"expires_at"` // Unix milliseconds
}

// Connect starts userID's connection to the app: it makes a state, asks
// the app's get_oauth2_connect_url for the remote URL (values {"state"}),
// and returns that URL for the browser to go to.
func (s *Service) Connect(ctx context.Context, userID string, appID apps.AppID) (string, error) {
	app, err := s.app(userID, appID)
	if err != nil {
		return "", err
	}
	state, key, err := s.newState(app.ID(), userID)
	if err != nil {
		return "", err
	}
	creq := &apps.CallRequest{
		Call:    callOrDefault(app.Manifest.GetOAuth2ConnectURL, defaultConnect),
		Values:  map[string]any{"state": state},
		Context: apps.Context{AppID: app.ID(), UserID: userID, UserAgent: "webapp"},
	}
	resp, err := s.Calls.Call(ctx, app, creq, userID)
	if err == nil {
		var u string
		if u, err = connectURL(app, resp); err == nil {
			s.Log.Debug("Remote OAuth2 connection started", "app_id", string(app.ID()), "user_id", userID)
			return u, nil
		}
	}
	// The state will never be used: do not leave it waiting.
	if derr := s.KV.Delete(key); derr != nil {
		s.Log.Warn("Could not delete an unused remote OAuth2 state", "app_id", string(app.ID()), "user_id", userID, "error", derr.Error())
	}
	s.Log.Warn("Could not start a remote OAuth2 connection", "app_id", string(app.ID()), "user_id", userID, "error", err.Error())
	return "", err
}

// Complete finishes userID's connection to the app: values are the query
// values the remote service sent the browser back with (state, code...).
// The state must be one that Connect made for this user and app, unused
// and not expired; it is consumed before the app's on_oauth2_complete gets
// the values.
func (s *Service) Complete(ctx context.Context, userID string, appID apps.AppID, values map[string]string) error {
	app, err := s.app(userID, appID)
	if err != nil {
		return err
	}
	if err := s.consume(app, userID, values["state"]); err != nil {
		s.Log.Warn("Refused a remote OAuth2 completion", "app_id", string(app.ID()), "user_id", userID, "reason", err.Error())
		return err
	}
	callValues := make(map[string]any, len(values))
	for k, v := range values {
		callValues[k] = v
	}
	creq := &apps.CallRequest{
		Call:    callOrDefault(app.Manifest.OnOAuth2Complete, defaultComplete),
		Values:  callValues,
		Context: apps.Context{AppID: app.ID(), UserID: userID, UserAgent: "webapp"},
	}
	resp, err := s.Calls.Call(ctx, app, creq, userID)
	if err == nil {
		err = completeAnswer(app, resp)
	}
	if err != nil {
		s.Log.Warn("The app did not complete a remote OAuth2 connection", "app_id", string(app.ID()), "user_id", userID, "error", err.Error())
		return err
	}
	s.Log.Debug("Remote OAuth2 connection completed", "app_id", string(app.ID()), "user_id", userID)
	return nil
}

// DisplayName is what the pages call the app: its display name, else its
// ID ("" when it is not installed).
func (s *Service) DisplayName(appID apps.AppID) string {
	app, err := s.Apps.Get(appID)
	if err != nil {
		return ""
	}
	if app.Manifest.DisplayName != "" {
		return app.Manifest.DisplayName
	}
	return string(app.ID())
}

// app returns the app if userID may connect to it.
func (s *Service) app(userID string, appID apps.AppID) (*store.InstalledApp, error) {
	if userID == "" {
		return nil, failure.New(failure.Unauthorized, "log in to Mattermost first")
	}
	if appID.Validate() != nil {
		return nil, fmt.Errorf("%w: %q is not an app ID", ErrNotInstalled, appID)
	}
	app, err := s.Apps.Get(appID)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrNotInstalled, appID)
	}
	if !app.Enabled() {
		return nil, fmt.Errorf("%w: %s (a system admin can run /apps enable %s)", ErrDisabled, appID, appID)
	}
	if !apps.Permissions(app.GrantedPermissions).Contains(apps.PermissionRemoteOAuth2) {
		return nil, fmt.Errorf("%w: %s cannot connect to a remote service", ErrNotGranted, appID)
	}
	return app, nil
}

// newState stores a new state for the app and user and returns it and its
// key.
func (s *Service) newState(appID apps.AppID, userID string) (string, string, error) {
	b := make([]byte, stateBytes)
	if _, err := io.ReadFull(s.Random, b); err != nil {
		return "", "", failure.Hide(failure.Internal, "could not start the connection", fmt.Errorf("generate an OAuth2 state: %w", err))
	}
	state := base64.RawURLEncoding.EncodeToString(b)
	key := store.OAuth2StateKey(appID, userID, state)
	rec := pending{AppID: appID, UserID: userID, ExpiresAt: s.Now().Add(StateLifetime).UnixMilli()}
	if _, err := s.KV.Set(key, rec, pluginapi.SetExpiry(StateLifetime)); err != nil {
		return "", "", failure.Hide(failure.Internal, "could not start the connection", fmt.Errorf("save the OAuth2 state of %s: %w", appID, err))
	}
	return state, key, nil
}

// consume checks and deletes the user's state, atomically: of two
// requests with the same state at most one succeeds.
func (s *Service) consume(app *store.InstalledApp, userID, state string) error {
	if !validState(state) {
		return ErrNoState
	}
	key := store.OAuth2StateKey(app.ID(), userID, state)
	var raw []byte
	if err := s.KV.Get(key, &raw); err != nil {
		return failure.Hide(failure.Internal, "could not check the link", fmt.Errorf("read the OAuth2 state of %s: %w", app.ID(), err))
	}
	if len(raw) == 0 {
		// Never made, made for another user or app, used, or purged.
		return ErrStaleState
	}
	deleted, err := s.KV.Set(key, nil, pluginapi.SetAtomic(raw))
	if err != nil {
		return failure.Hide(failure.Internal, "could not check the link", fmt.Errorf("delete the OAuth2 state of %s: %w", app.ID(), err))
	}
	if !deleted {
		return fmt.Errorf("%w (used by another request)", ErrStaleState)
	}
	var rec pending
	if err := json.Unmarshal(raw, &rec); err != nil || rec.AppID != app.ID() || rec.UserID != userID {
		return fmt.Errorf("%w (the stored state does not match)", ErrStaleState)
	}
	if s.Now().UnixMilli() >= rec.ExpiresAt {
		return fmt.Errorf("%w (expired)", ErrStaleState)
	}
	return nil
}

// validState reports whether state has the form of one this package made:
// anything else is refused before it becomes part of a KV key.
func validState(state string) bool {
	if len(state) != base64.RawURLEncoding.EncodedLen(stateBytes) {
		return false
	}
	_, err := base64.RawURLEncoding.Strict().DecodeString(state)
	return err == nil
}

// The calls made when the manifest does not name them, with what v1.2
// expanded for them by default.
var (
	defaultConnect = apps.Call{Path: apps.DefaultGetOAuth2ConnectURLPath, Expand: &apps.Expand{
		ActingUser: apps.ExpandSummary, ActingUserAccessToken: apps.ExpandAll, OAuth2App: apps.ExpandAll,
	}}
	defaultComplete = apps.Call{Path: apps.DefaultOnOAuth2CompletePath, Expand: &apps.Expand{
		ActingUser: apps.ExpandSummary, ActingUserAccessToken: apps.ExpandAll, OAuth2App: apps.ExpandAll, OAuth2User: apps.ExpandAll,
	}}
)

// callOrDefault is the manifest's call with the default's path and expand
// filling what it leaves out.
func callOrDefault(c *apps.Call, def apps.Call) apps.Call {
	if c == nil {
		out := def
		out.Expand = copyExpand(def.Expand)
		return out
	}
	out := *c
	if out.Path == "" {
		out.Path = def.Path
	}
	if out.Expand == nil {
		out.Expand = copyExpand(def.Expand)
	}
	return out
}

func copyExpand(e *apps.Expand) *apps.Expand {
	if e == nil {
		return nil
	}
	c := *e
	return &c
}

// connectURL is the remote URL of the app's answer to
// get_oauth2_connect_url: {"type":"ok","data":"<absolute http(s) URL>"}.
func connectURL(app *store.InstalledApp, resp *apps.CallResponse) (string, error) {
	if err := appRefused(app, resp, "start the connection"); err != nil {
		return "", err
	}
	raw, ok := resp.Data.(string)
	if !ok {
		return "", fmt.Errorf("%w: %s answered %T as data, expected the connect URL as a string", ErrBadConnect, app.ID(), resp.Data)
	}
	if len(raw) > maxConnectURL {
		return "", fmt.Errorf("%w: %s answered a URL over %d KB", ErrBadConnect, app.ID(), maxConnectURL>>10)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("%w: %s answered something that is not an absolute http(s) URL", ErrBadConnect, app.ID())
	}
	return raw, nil // as the app wrote it (url.Parse refuses control characters)
}

// completeAnswer checks the app's answer to on_oauth2_complete.
func completeAnswer(app *store.InstalledApp, resp *apps.CallResponse) error {
	return appRefused(app, resp, "complete the connection")
}

// appRefused is an error for an answer that is neither ok nor empty.
func appRefused(app *store.InstalledApp, resp *apps.CallResponse, what string) error {
	if resp == nil {
		return fmt.Errorf("%w to %s: %s sent no answer", ErrAppRefused, what, app.ID())
	}
	switch resp.Type {
	case "", apps.CallResponseTypeOK:
		return nil
	case apps.CallResponseTypeError:
		text := resp.Text
		if text == "" {
			text = "no reason given"
		}
		if r := []rune(text); len(r) > maxAppText {
			text = string(r[:maxAppText]) + "…"
		}
		return fmt.Errorf("%w to %s: %s", ErrAppRefused, what, text)
	}
	return fmt.Errorf("%w to %s: %s answered %q, expected ok", ErrAppRefused, what, app.ID(), resp.Type)
}

// IsStateError reports whether err is about the link's state (so the user
// should start again), not about the app.
func IsStateError(err error) bool {
	return errors.Is(err, ErrStaleState) || errors.Is(err, ErrNoState)
}

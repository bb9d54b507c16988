// Package appservices is the API that apps call with the access tokens the
// plugin gives them in their calls (bot_access_token,
// acting_user_access_token): a KV store and the remote OAuth2 data, as the
// Mattermost Apps framework v1.2 served them under /api/v1/kv and
// /api/v1/oauth2, so that apps built for it run unchanged.
//
// Every request is resolved to a Caller: the app the token was issued to
// and the token's user (the app's bot or the acting user). Data is scoped
// to both and kept under the app's data prefix in the KV store, so that
// uninstalling the app discards it. Nothing about a caller is cached: each
// request reads the session and the token's record, so a revoked token is
// refused at once.
package appservices

import (
	"fmt"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/pluginapi"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/failure"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// SessionPropAppID is the session prop that names the app a token was
// issued to (set by the plugin when it creates the session).
const SessionPropAppID = "lambda_apps_app_id"

// MaxValueSize is the largest value (KV value, OAuth2 data) an app may
// store, in bytes: v1.2's MaxKVStoreValueLength.
const MaxValueSize = 8192

// MaxPrefixLength is the longest KV prefix, in bytes (v1.2: 2 ASCII
// characters).
const MaxPrefixLength = 2

// Errors callers see.
var (
	ErrNotAnApp = failure.New(failure.Forbidden,
		"this API is for apps: call it with the bot_access_token or acting_user_access_token the app got in its call")
	ErrTokenInvalid = failure.New(failure.Unauthorized, "the access token is not valid any more: use the one of the app's latest call")
	ErrTooLarge     = failure.New(failure.TooLarge, fmt.Sprintf("the value is larger than the limit of %d bytes", MaxValueSize))
	ErrInvalidJSON  = failure.New(failure.BadRequest, "the value is not valid JSON")
	ErrBot          = failure.New(failure.Forbidden, "bots may not do this: call it with the acting_user_access_token")
)

// Sessions reads Mattermost sessions.
type Sessions interface {
	GetSession(sessionID string) (*model.Session, error)
}

// Apps gives the installed apps (store.Apps).
type Apps interface {
	Get(id apps.AppID) (*store.InstalledApp, error)
}

// Users reads what the API needs to know of a user.
type Users interface {
	GetUser(userID string) (*model.User, error)
	IsSystemAdmin(userID string) bool
}

// Tokens tells the tokens the plugin issued (tokens.Issuer).
type Tokens interface {
	// IssuedTo returns the user of the session if it was issued to appID
	// and not revoked, else "".
	IssuedTo(appID apps.AppID, sessionID string) (string, error)
}

// KV is the part of the plugin KV store the API uses.
type KV interface {
	Get(key string, o any) error
	Set(key string, value any, options ...pluginapi.KVSetOption) (bool, error)
	Delete(key string) error
}

// Logger is the structured logger. Values apps store are never logged.
type Logger interface {
	Error(message string, keyValuePairs ...any)
	Debug(message string, keyValuePairs ...any)
}

// Deps are what the service needs.
type Deps struct {
	Sessions Sessions
	Apps     Apps
	Users    Users
	Tokens   Tokens
	KV       KV
	Log      Logger
	// RefreshBindings (may be nil) drops the cached bindings and tells
	// userID's clients ("" for everyone's) to fetch them again: the app's
	// bindings may change once a user or the app has OAuth2 data.
	RefreshBindings func(userID string)
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Service serves the app services API.
type Service struct{ d Deps }

// New returns a Service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{d: d}
}

// Caller is who calls the API: an installed, enabled app and the user of
// its token.
type Caller struct {
	App    *store.InstalledApp
	UserID string
}

// Caller resolves the caller of a request the server authenticated with
// sessionID as userID. Only sessions the plugin issued to an app are
// accepted: a person's own login or personal access token is refused.
func (s *Service) Caller(sessionID, userID string) (*Caller, error) {
	c, _, err := s.resolve(sessionID, userID)
	return c, err
}

// ForwardToken resolves the caller like Caller and also returns the token
// of its session, for forwarding the request to the server's REST API on
// the app's behalf (the server removes the Authorization header before a
// plugin sees a request). The token is the one the plugin issued to the
// app: never log it.
func (s *Service) ForwardToken(sessionID, userID string) (*Caller, string, error) {
	c, sess, err := s.resolve(sessionID, userID)
	if err != nil {
		return nil, "", err
	}
	return c, sess.Token, nil
}

func (s *Service) resolve(sessionID, userID string) (*Caller, *model.Session, error) {
	if sessionID == "" || userID == "" {
		return nil, nil, ErrNotAnApp
	}
	sess, err := s.d.Sessions.GetSession(sessionID)
	if err != nil {
		// The server answers 400 for a session it cannot read, whether it
		// is gone (revoked since it authenticated the request) or the
		// store failed: either way the token cannot be trusted.
		s.d.Log.Debug("App services: could not read the session of the request", "user_id", userID, "error", err.Error())
		return nil, nil, ErrTokenInvalid
	}
	if sess == nil || sess.UserId != userID || sess.IsExpired() {
		return nil, nil, ErrTokenInvalid
	}
	appID := apps.AppID(sess.Props[SessionPropAppID])
	if appID == "" {
		return nil, nil, ErrNotAnApp
	}
	if s.d.Tokens != nil {
		issuedTo, err := s.d.Tokens.IssuedTo(appID, sessionID)
		if err != nil {
			return nil, nil, failure.Hide(failure.Internal, "could not check the access token", err)
		}
		if issuedTo != userID {
			return nil, nil, ErrTokenInvalid
		}
	}
	app, err := s.d.Apps.Get(appID)
	if err != nil {
		if failure.KindOf(err) == failure.NotFound {
			return nil, nil, failure.New(failure.Forbidden, fmt.Sprintf("app %s is not installed", appID))
		}
		return nil, nil, err
	}
	if !app.Enabled() {
		return nil, nil, failure.New(failure.Forbidden, fmt.Sprintf("app %s is disabled", appID))
	}
	return &Caller{App: app, UserID: userID}, sess, nil
}

// notBot refuses bots (their data is the app's, not a user's).
func (s *Service) notBot(c *Caller) error {
	if c.App.BotUserID != "" && c.UserID == c.App.BotUserID {
		return ErrBot
	}
	u, err := s.d.Users.GetUser(c.UserID)
	if err != nil {
		return failure.Hide(failure.Internal, "could not read the user", err)
	}
	if u.IsBot {
		return ErrBot
	}
	return nil
}

// requireOAuth2 refuses apps not granted remote_oauth2.
func requireOAuth2(app *store.InstalledApp) error {
	if !apps.Permissions(app.GrantedPermissions).Contains(apps.PermissionRemoteOAuth2) {
		return failure.New(failure.Forbidden, fmt.Sprintf("app %s was not granted the %s permission", app.ID(), apps.PermissionRemoteOAuth2))
	}
	return nil
}

// checkValue checks a value an app stores.
func checkValue(data []byte) error {
	if len(data) > MaxValueSize {
		return ErrTooLarge
	}
	if !jsonValid(data) {
		return ErrInvalidJSON
	}
	return nil
}

func (s *Service) kvError(what string, c *Caller, err error) error {
	s.d.Log.Error("App services: KV store failure", "op", what, "app_id", string(c.App.ID()), "user_id", c.UserID, "error", err.Error())
	return failure.Hide(failure.Internal, "the KV store failed", err)
}

func (s *Service) refresh(userID string) {
	if s.d.RefreshBindings != nil {
		s.d.RefreshBindings(userID)
	}
}

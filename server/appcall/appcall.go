// Package appcall calls installed apps: it picks the Lambda function that
// serves a call path, fills in the call context and decodes the answer.
//
// UserCall is the one entry point for calls a user starts, from any route
// (POST /call, slash commands, dialogs, lookups, bindings): it enforces that
// the app is installed and enabled, that the path is one a client may call,
// and that the call's Mattermost context is the user's to use. Call is for
// the plugin's own calls (lifecycle, webhooks) and checks nothing.
package appcall

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"time"

	lambdaapps "github.com/lambda-apps/lambda-apps"
	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
	"github.com/lambda-apps/lambda-apps/aws/lambdainvoke"
	"github.com/lambda-apps/lambda-apps/server/failure"
	"github.com/lambda-apps/lambda-apps/server/store"
	"github.com/lambda-apps/lambda-apps/server/timing"
)

// Errors a call can wrap; their kinds (package failure) decide the HTTP
// status and what users are told.
var (
	ErrBadRequest    = failure.New(failure.BadRequest, "bad call request")
	ErrForbiddenPath = failure.New(failure.Forbidden, "this path cannot be called from a client")
	ErrForbidden     = failure.New(failure.Forbidden, "forbidden")
	ErrNotInstalled  = failure.New(failure.NotFound, "app is not installed")
	ErrDisabled      = failure.New(failure.Forbidden, "app is disabled")
	ErrNoFunction    = failure.New(failure.NotFound, "no function serves this path")
	ErrUnavailable   = failure.New(failure.Unavailable, "AWS apps are unavailable")
	ErrAppFailed     = failure.New(failure.Upstream, "the app failed")
)

// PluginPath is where the plugin serves HTTP on the site.
var PluginPath = lambdaapps.PluginPath()

// Invoker calls Lambda functions.
type Invoker interface {
	Call(ctx context.Context, function, path string, callRequest []byte) ([]byte, error)
	Notify(ctx context.Context, function, path string, callRequest []byte) error
}

// Environment is what a call needs of the current configuration, which
// changes while the plugin runs.
type Environment interface {
	// Invoker is the Lambda client of the current configuration, or an
	// error saying why there is none (no credentials).
	Invoker() (Invoker, error)
	CallTimeout() time.Duration
	SiteURL() string
}

// Expander fills in the expanded context (Mattermost objects, tokens) of
// a call (expand.Expander). userToken is false for calls the user did not
// start: no acting-user token then.
type Expander interface {
	Expand(ctx context.Context, app *store.InstalledApp, actingUserID string, userToken bool, creq *apps.CallRequest) error
}

// Prefetcher is an Expander that can start the reads a call's expansion
// will need before the call's context is verified (expand.Expander).
type Prefetcher interface {
	Prefetch(ctx context.Context, userID string, ex *apps.Expand) context.Context
}

// BindingsRefresher drops a user's cached bindings and tells their clients
// to fetch them again (bindings.Service), when an app's answer asks for it.
type BindingsRefresher interface {
	Refresh(userID string)
}

// Deps are the services a Service uses.
type Deps struct {
	Apps *store.Apps
	Env  Environment
	// Expand, when set, expands the context; without it only the acting
	// user's ID is expanded.
	Expand Expander
	// Mattermost is read to verify the context of users' calls.
	Mattermost ContextAPI
	// Bindings, when set, is refreshed when an app's answer asks for it.
	Bindings BindingsRefresher
	// Stats, when set, counts every invocation (callstats.Stats).
	Stats Recorder
	// Log, when set, gets one line per invocation.
	Log Logger
	// Sites, when set, gives each app its mattermost_site_url and app_path
	// (compat.Policy); without it every app gets the site URL and the
	// plugin's own app path.
	Sites Sites
}

// Sites gives an app the site URL and app path it builds URLs from.
type Sites interface {
	ForApp(id apps.AppID) (siteURL, appPath string)
}

// Logger is the structured logger.
type Logger interface {
	Debug(message string, keyValuePairs ...any)
	Warn(message string, keyValuePairs ...any)
}

// Recorder counts the invocations of apps: one Record per call, with its
// outcome class (the Outcome* constants). It runs on every call, so it must
// be cheap and safe for concurrent use.
type Recorder interface {
	Record(appID apps.AppID, path, outcome string, took time.Duration)
}

// Service calls apps.
type Service struct {
	Deps
	teams channelTeams
}

// New returns a Service.
func New(d Deps) *Service { return &Service{Deps: d} }

// UserCall makes a call that userID started: the app must be installed and
// enabled, the path one a client may call (not a lifecycle, OAuth2 or
// webhook path), and the context's channel, team and posts must exist, agree
// with each other and be readable by the user (see verifyContext).
func (s *Service) UserCall(ctx context.Context, userID string, creq *apps.CallRequest) (*apps.CallResponse, error) {
	if creq.Context.AppID == "" {
		return nil, fmt.Errorf("%w: context.app_id is required", ErrBadRequest)
	}
	if userID == "" {
		return nil, fmt.Errorf("%w: no user", ErrForbidden)
	}
	app, err := s.Apps.Get(creq.Context.AppID)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrNotInstalled, creq.Context.AppID)
	}
	if app.Disabled {
		return nil, fmt.Errorf("%w: %s (an admin can run /apps enable %s)", ErrDisabled, app.ID(), app.ID())
	}
	p, err := CleanPath(creq.Path)
	if err != nil {
		return nil, err
	}
	if isLifecyclePath(&app.Manifest, p) {
		return nil, fmt.Errorf("%w: %s", ErrForbiddenPath, p)
	}
	creq.Path = p
	creq.Context.UserID = userID
	if !alreadyVerified(ctx, userID, &creq.Context) {
		ctx = s.prefetch(ctx, userID, creq.Expand)
		if err := verifyContextWith(s.Mattermost, s.channelTeam, userID, &creq.Context); err != nil {
			return nil, err
		}
		timing.Mark(ctx, "verify")
	}
	resp, err := s.call(ctx, app, creq, userID, true)
	if err == nil && resp.RefreshBindings && s.Bindings != nil {
		s.Bindings.Refresh(userID)
	}
	return resp, err
}

// Call invokes app for creq on behalf of actingUserID, who started what the
// plugin is doing (an admin's install runs on_install as that admin), and
// returns its answer. It does no permission checks: callers do.
func (s *Service) Call(ctx context.Context, app *store.InstalledApp, creq *apps.CallRequest, actingUserID string) (*apps.CallResponse, error) {
	return s.call(ctx, app, creq, actingUserID, true)
}

// BackgroundCall is a call the plugin makes on its own, in the name of
// actingUserID but not started by them (the commands it registers for an
// app, as the admin who installed it): the app learns who the user is but
// never gets a token to act as them.
func (s *Service) BackgroundCall(ctx context.Context, app *store.InstalledApp, creq *apps.CallRequest, actingUserID string) (*apps.CallResponse, error) {
	return s.call(ctx, app, creq, actingUserID, false)
}

// prefetch starts the reads the call's expansion needs, while its context
// is verified (Prefetcher): ex nil when the calls are not known yet;
// userID "" only shares the reads of the calls made under the context.
func (s *Service) prefetch(ctx context.Context, userID string, ex *apps.Expand) context.Context {
	if p, ok := s.Expand.(Prefetcher); ok {
		return p.Prefetch(ctx, userID, ex)
	}
	return ctx
}

func (s *Service) call(ctx context.Context, app *store.InstalledApp, creq *apps.CallRequest, actingUserID string, userToken bool) (*apps.CallResponse, error) {
	fn, payload, inv, err := s.prepare(ctx, app, creq, actingUserID, userToken)
	if err != nil {
		return nil, err
	}
	timing.Mark(ctx, "expand")
	ctx, cancel := context.WithTimeout(ctx, s.Env.CallTimeout())
	defer cancel()
	start := time.Now()
	resp, err := s.invoke(ctx, inv, app, fn, creq.Path, payload)
	timing.Mark(ctx, "invoke")
	s.logCall(app.ID(), creq.Path, fn, actingUserID, time.Since(start), resp, err)
	return resp, err
}

func (s *Service) invoke(ctx context.Context, inv Invoker, app *store.InstalledApp, fn, path string, payload []byte) (*apps.CallResponse, error) {
	body, err := inv.Call(ctx, fn, path, payload)
	if err != nil {
		return nil, InvokeFailure(app.ID(), err)
	}
	resp, err := apps.DecodeCallResponse(body)
	if err != nil {
		return nil, InvokeFailure(app.ID(), fmt.Errorf("%w: %s answered %s with something that is not a call response: %w", errNotCallResponse, app.ID(), path, err))
	}
	return resp, nil
}

// logCall counts an invocation (Stats) and logs it once, at its end: debug
// when the app answered, warn when the call failed. Never a token, secret
// or payload.
func (s *Service) logCall(appID apps.AppID, path, fn, actingUserID string, took time.Duration, resp *apps.CallResponse, err error) {
	outcome := ResponseOutcome(resp)
	if err != nil {
		outcome = Outcome(err)
	}
	if s.Stats != nil {
		s.Stats.Record(appID, path, outcome, took)
	}
	if s.Log == nil {
		return
	}
	kv := []any{"app_id", string(appID), "path", path, "function", fn, "duration_ms", took.Milliseconds(),
		"outcome", outcome, "acting_user_id", actingUserID}
	if err != nil {
		s.Log.Warn("App call failed", append(kv, "error", err.Error())...)
		return
	}
	s.Log.Debug("App call", kv...)
}

// Notify invokes app asynchronously (Lambda Event invocation).
func (s *Service) Notify(ctx context.Context, app *store.InstalledApp, creq *apps.CallRequest, actingUserID string) error {
	fn, payload, inv, err := s.prepare(ctx, app, creq, actingUserID, false)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.Env.CallTimeout())
	defer cancel()
	start := time.Now()
	if err = inv.Notify(ctx, fn, creq.Path, payload); err != nil {
		err = InvokeFailure(app.ID(), err)
	}
	if s.Stats != nil { // the time to hand the event to Lambda, not the app's run
		s.Stats.Record(app.ID(), creq.Path, Outcome(err), time.Since(start))
	}
	return err
}

func (s *Service) prepare(ctx context.Context, app *store.InstalledApp, creq *apps.CallRequest, actingUserID string, userToken bool) (string, []byte, Invoker, error) {
	m := &app.Manifest
	if m.AWSLambda == nil {
		return "", nil, nil, fmt.Errorf("%w: %s has no aws_lambda section (only AWS Lambda apps are served)", ErrNoFunction, app.ID())
	}
	fn, ok := awsnames.MatchFunction(m.AWSLambda.Functions, creq.Path)
	if !ok {
		return "", nil, nil, fmt.Errorf("%w: %s has no function for %s", ErrNoFunction, app.ID(), creq.Path)
	}
	name, err := awsnames.LambdaName(string(m.AppID), string(m.Version), fn.Name)
	if err != nil {
		return "", nil, nil, fmt.Errorf("%w: %s: %w", ErrNoFunction, app.ID(), err)
	}
	inv, err := s.Env.Invoker()
	if err != nil {
		return "", nil, nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	if err := s.fillContext(ctx, app, creq, actingUserID, userToken); err != nil {
		return "", nil, nil, fmt.Errorf("%w: %w", ErrBadRequest, err)
	}
	payload, err := json.Marshal(creq)
	if err != nil {
		return "", nil, nil, fmt.Errorf("%w: encode: %w", ErrBadRequest, err)
	}
	return name, payload, inv, nil
}

func (s *Service) fillContext(ctx context.Context, app *store.InstalledApp, creq *apps.CallRequest, actingUserID string, userToken bool) error {
	c := &creq.Context
	c.AppID = app.ID()
	// A client never sets the expanded part: only the plugin does.
	site, appPath := s.Env.SiteURL(), PluginPath+"/apps/"+string(app.ID())
	if s.Sites != nil {
		site, appPath = s.Sites.ForApp(app.ID())
	}
	c.ExpandedContext = apps.ExpandedContext{
		MattermostSiteURL: site,
		AppPath:           appPath,
		BotUserID:         app.BotUserID,
	}
	if s.Expand != nil {
		return s.Expand.Expand(ctx, app, actingUserID, userToken, creq)
	}
	if actingUserID != "" && creq.Expand != nil && creq.Expand.ActingUser.Level() != apps.ExpandNone {
		c.ActingUser, _ = json.Marshal(map[string]string{"id": actingUserID})
	}
	return nil
}

// CleanPath validates and cleans a call path.
func CleanPath(p string) (string, error) {
	if p == "" || !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("%w: path %q must start with /", ErrBadRequest, p)
	}
	if strings.ContainsAny(p, "?#\\") {
		return "", fmt.Errorf("%w: path %q must not contain ?, # or \\", ErrBadRequest, p)
	}
	return path.Clean(p), nil
}

// isLifecyclePath reports whether p is one the plugin calls itself and a
// client must never reach: /ping, the on_* calls, OAuth2 and webhook paths.
// Remote webhooks reach the app under the webhook path (/webhook/<path>), so
// everything under it is refused, or a user could pose as a webhook sender.
func isLifecyclePath(m *apps.Manifest, p string) bool {
	paths := []string{"/ping", apps.DefaultGetOAuth2ConnectURLPath, apps.DefaultOnOAuth2CompletePath}
	for _, c := range []*apps.Call{m.OnInstall, m.OnVersionChanged, m.OnUninstall, m.OnEnable, m.OnDisable, m.GetOAuth2ConnectURL, m.OnOAuth2Complete} {
		if c != nil && c.Path != "" {
			paths = append(paths, c.Path)
		}
	}
	for _, lp := range paths {
		if path.Clean(lp) == p {
			return true
		}
	}
	hook := apps.DefaultOnRemoteWebhookPath
	if m.OnRemoteWebhook != nil && m.OnRemoteWebhook.Path != "" {
		hook = path.Clean(m.OnRemoteWebhook.Path)
	}
	if hook == "/" {
		return p == hook // a root webhook path cannot fence off the whole app
	}
	return apps.HasPathPrefix(p, hook)
}

// Lambda wraps a lambdainvoke.Client as an Invoker.
var _ Invoker = (*lambdainvoke.Client)(nil)

// FixedEnv is an Environment that does not change: one invoker, timeout
// and site URL (tests, benchmarks, tools).
type FixedEnv struct {
	Lambda  Invoker
	Timeout time.Duration
	Site    string
}

// Invoker returns the invoker.
func (e FixedEnv) Invoker() (Invoker, error) { return e.Lambda, nil }

// CallTimeout returns the timeout.
func (e FixedEnv) CallTimeout() time.Duration { return e.Timeout }

// SiteURL returns the site URL.
func (e FixedEnv) SiteURL() string { return e.Site }

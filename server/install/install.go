// Package install implements the app lifecycle: install (ping, bot account,
// stored record, on_install), upgrade (on_version_changed), enable,
// disable and uninstall. Slash commands, the REST API and appsctl's
// --install all go through here.
package install

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/lambdainvoke"
	"github.com/lambda-apps/lambda-apps/server/appcall"
	"github.com/lambda-apps/lambda-apps/server/catalog"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// PingTimeout allows for Lambda cold starts.
const PingTimeout = 5 * time.Second

// maxIconSize bounds the app icon used as the bot's profile image.
const maxIconSize = 5 << 20

// Errors the lifecycle can wrap.
var (
	ErrNotListed   = errors.New("app is not listed")
	ErrUnsupported = errors.New("app cannot run on AWS Lambda")
	ErrPing        = errors.New("the app did not answer /ping")
)

// Logger is the structured logger.
type Logger interface {
	Info(message string, keyValuePairs ...any)
	Warn(message string, keyValuePairs ...any)
}

// Deps are the services the lifecycle uses.
type Deps struct {
	Catalog *catalog.Service
	Apps    *store.Apps
	Calls   *appcall.Service
	API     MattermostAPI
	// OpenIcon opens an app's static asset (the bot's profile image).
	OpenIcon func(ctx context.Context, appID, version, name string) (io.ReadCloser, error)
	// OnChange is called after an app was installed, changed or removed
	// (for example to re-register slash commands); what it returns is
	// told to the admin. May be nil.
	OnChange func(ctx context.Context, appID apps.AppID) []string
	Log      Logger
	Now      func() time.Time
}

// Service runs the lifecycle.
type Service struct{ Deps }

// New returns a Service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{d}
}

// Result reports what a lifecycle step did. Messages are markdown lines for
// the admin (warnings included).
type Result struct {
	App             *store.InstalledApp `json:"app"`
	PreviousVersion apps.AppVersion     `json:"previous_version,omitempty"`
	Messages        []string            `json:"messages"`
}

func (r *Result) say(format string, args ...any) {
	r.Messages = append(r.Messages, fmt.Sprintf(format, args...))
}

// Request describes an install.
type Request struct {
	AppID   apps.AppID
	Version apps.AppVersion // empty: the listed (highest) version
	// ActingUserID is the admin who installs; on_install runs as them.
	ActingUserID string
	// GrantedLocations and GrantedPermissions are what the admin consented
	// to; nil means everything the manifest requests.
	GrantedLocations   apps.Locations
	GrantedPermissions apps.Permissions
}

// Manifest finds the manifest to install in the catalog.
func (s *Service) Manifest(appID apps.AppID, version apps.AppVersion) (*apps.Manifest, error) {
	app, ok := s.Catalog.Snapshot().Get(appID)
	if !ok {
		return nil, fmt.Errorf("%w: %s is not in the catalog (deploy it with `appsctl aws deploy`, then run /apps refresh)", ErrNotListed, appID)
	}
	entry := app.Listed()
	if version != "" {
		var found bool
		if entry, found = app.Version(version); !found {
			return nil, fmt.Errorf("%w: %s has no version %s in the catalog", ErrNotListed, appID, version)
		}
	}
	if !entry.Manifest.SupportsAWSLambda() {
		return nil, fmt.Errorf("%w: %s %s has no aws_lambda section (it was made for another deployment type)", ErrUnsupported, appID, entry.Manifest.Version)
	}
	return entry.Manifest, nil
}

// Install installs, reinstalls or upgrades an app.
func (s *Service) Install(ctx context.Context, req Request) (*Result, error) {
	m, err := s.Manifest(req.AppID, req.Version)
	if err != nil {
		return nil, err
	}
	prev, _ := s.Apps.Get(m.AppID)
	candidate := &store.InstalledApp{
		Manifest:           *m,
		GrantedLocations:   orLocations(req.GrantedLocations, m.RequestedLocations),
		GrantedPermissions: orPermissions(req.GrantedPermissions, m.RequestedPermissions),
		InstalledBy:        req.ActingUserID,
	}
	if err := s.ping(ctx, candidate); err != nil {
		return nil, err
	}

	res := &Result{}
	bot, botNotes, err := ensureBot(s.API, s.botRequest(m, prev))
	if err != nil {
		return nil, fmt.Errorf("set up the bot account of app %s: %w", m.AppID, err)
	}
	if len(botNotes) > 0 {
		res.Messages = append(res.Messages, botNotes...)
		s.Log.Info("App bot has a fallback username", "app_id", string(m.AppID), "preferred", BotUsername(string(m.AppID)), "bot", bot.Username)
	}
	candidate.BotUserID, candidate.BotUsername = bot.UserId, bot.Username
	s.setIcon(ctx, candidate, res)

	now := s.Now().UTC()
	saved, err := s.Apps.Update(m.AppID, func(cur *store.InstalledApp) (*store.InstalledApp, error) {
		next := *candidate
		next.InstalledAt, next.UpdatedAt = now, now
		if cur != nil {
			next.InstalledAt = cur.InstalledAt
			res.PreviousVersion = cur.Manifest.Version
		}
		return &next, nil
	})
	if err != nil {
		return nil, err
	}
	res.App = saved
	notes := s.changed(ctx, m.AppID)
	s.Log.Info("App installed", "app_id", string(m.AppID), "version", string(m.Version), "previous_version", string(res.PreviousVersion), "bot", bot.Username, "by", req.ActingUserID)

	switch {
	case prev != nil && res.PreviousVersion != m.Version:
		res.say("Upgraded app `%s` (%s) from %s to %s.", m.AppID, m.DisplayName, res.PreviousVersion, m.Version)
		s.lifecycleCall(ctx, saved, m.OnVersionChanged, req.ActingUserID, "on_version_changed", res,
			map[string]any{"prev_version": string(res.PreviousVersion)})
	case prev != nil:
		res.say("Reinstalled app `%s` (%s) %s.", m.AppID, m.DisplayName, m.Version)
	default:
		res.say("Installed app `%s` (%s) %s with bot account @%s.", m.AppID, m.DisplayName, m.Version, bot.Username)
		s.lifecycleCall(ctx, saved, m.OnInstall, req.ActingUserID, "on_install", res, nil)
	}
	res.Messages = append(res.Messages, notes...)
	return res, nil
}

// botRequest describes the bot account app m needs: the bot it already has
// (prev, the installed record, may be nil) is kept, and the bots of the
// other installed apps are never given to it.
func (s *Service) botRequest(m *apps.Manifest, prev *store.InstalledApp) botRequest {
	req := botRequest{AppID: string(m.AppID), DisplayName: m.DisplayName, Claimed: map[string]string{}}
	if prev != nil {
		req.Current = prev.BotUserID
	}
	for _, a := range s.Apps.List() {
		if a.ID() != m.AppID && a.BotUserID != "" {
			req.Claimed[a.BotUserID] = string(a.ID())
		}
	}
	return req
}

// ping calls /ping with a short timeout. A function that does not implement
// /ping (HTTP 404) is reachable, which is all the install needs to know.
func (s *Service) ping(ctx context.Context, app *store.InstalledApp) error {
	ctx, cancel := context.WithTimeout(ctx, PingTimeout)
	defer cancel()
	_, err := s.Calls.Call(ctx, app, &apps.CallRequest{Call: apps.Call{Path: "/ping"}}, "")
	var se *lambdainvoke.StatusError
	if err == nil || (errors.As(err, &se) && se.StatusCode == 404) || errors.Is(err, appcall.ErrNoFunction) {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrPing, err)
}

func (s *Service) setIcon(ctx context.Context, app *store.InstalledApp, res *Result) {
	icon := app.Manifest.Icon
	if icon == "" || s.OpenIcon == nil {
		return
	}
	rc, err := s.OpenIcon(ctx, string(app.ID()), string(app.Manifest.Version), icon)
	if err == nil {
		var data []byte
		data, err = io.ReadAll(io.LimitReader(rc, maxIconSize+1))
		rc.Close()
		switch {
		case err != nil:
		case len(data) > maxIconSize:
			err = fmt.Errorf("icon is larger than %d bytes", maxIconSize)
		default:
			err = s.API.SetProfileImage(app.BotUserID, data)
		}
	}
	if err != nil {
		res.say("Warning: could not set the bot's profile image from the app icon %q: %s", icon, err.Error())
		s.Log.Warn("Could not set the app bot's profile image", "app_id", string(app.ID()), "icon", icon, "error", err.Error())
	}
}

// lifecycleCall runs an optional on_* call. Its failure is reported, never
// undone: the step itself has happened.
func (s *Service) lifecycleCall(ctx context.Context, app *store.InstalledApp, call *apps.Call, actingUserID, name string, res *Result, values map[string]any) {
	if call == nil || call.Path == "" {
		return
	}
	creq := &apps.CallRequest{Call: *call, Values: values}
	resp, err := s.Calls.Call(ctx, app, creq, actingUserID)
	if err == nil {
		err = resp.AsError()
	}
	if err != nil {
		res.say("Warning: %s failed: %s", name, err.Error())
		s.Log.Warn("App lifecycle call failed", "app_id", string(app.ID()), "call", name, "error", err.Error())
		return
	}
	if resp.Text != "" {
		res.Messages = append(res.Messages, resp.Text)
	}
}

func (s *Service) changed(ctx context.Context, id apps.AppID) []string {
	if s.OnChange != nil {
		return s.OnChange(ctx, id)
	}
	return nil
}

func orLocations(granted, requested apps.Locations) apps.Locations {
	if granted != nil {
		return granted
	}
	return requested
}

func orPermissions(granted, requested apps.Permissions) apps.Permissions {
	if granted != nil {
		return granted
	}
	return requested
}

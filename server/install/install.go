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
	"strings"
	"time"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/lambdainvoke"
	"github.com/lambda-apps/lambda-apps/server/appcall"
	"github.com/lambda-apps/lambda-apps/server/catalog"
	"github.com/lambda-apps/lambda-apps/server/failure"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// PingTimeout allows for Lambda cold starts.
const PingTimeout = 5 * time.Second

// maxIconSize bounds the app icon used as the bot's profile image.
const maxIconSize = 5 << 20

// Errors the lifecycle can wrap.
var (
	ErrNotListed   = failure.New(failure.NotFound, "app is not listed")
	ErrUnsupported = failure.New(failure.BadRequest, "app cannot run on AWS Lambda")
	ErrPing        = failure.New(failure.Upstream, "the app did not answer /ping")
	// ErrConsentRequired is wrapped by a *ConsentError: an install of an
	// app that is installed already (an upgrade or a reinstall) would grant
	// permissions or locations that the installed app was not granted, and
	// the request did not consent to them.
	ErrConsentRequired = failure.New(failure.Conflict, "consent required")
)

// ConsentError names what an upgrade or reinstall would grant that the
// installed app was not granted. It wraps ErrConsentRequired.
type ConsentError struct {
	AppID apps.AppID
	// Version is the version being installed; InstalledVersion the one
	// installed now.
	Version          apps.AppVersion
	InstalledVersion apps.AppVersion
	// NewPermissions and NewLocations are what Version requests that the
	// installed app was not granted.
	NewPermissions apps.Permissions
	NewLocations   apps.Locations
}

func (e *ConsentError) Error() string {
	return fmt.Sprintf("%s: app %s %s asks for what the installed version %s was not granted: %s. "+
		"To consent, run `/apps install listed %s --version %s` in Mattermost (it shows what the app asks for), "+
		`or send the install request again with "version": %q and "grant": true (appsctl aws deploy: --install --grant)`,
		ErrConsentRequired, e.AppID, e.Version, e.InstalledVersion, e.What(), e.AppID, e.Version, e.Version)
}

// What lists the new permissions and locations, e.g. "permissions
// act_as_user, remote_oauth2; locations /post_menu".
func (e *ConsentError) What() string {
	return describeGrants(e.NewPermissions, e.NewLocations)
}

// Unwrap makes errors.Is(err, ErrConsentRequired) true.
func (e *ConsentError) Unwrap() error { return ErrConsentRequired }

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
	// to; nil means everything the manifest requests, which needs consent
	// (below) when the app is installed already.
	GrantedLocations   apps.Locations
	GrantedPermissions apps.Permissions
	// Grant is the admin's consent to everything the manifest of Version
	// requests (callers should set Version, so that the consent is for a
	// known manifest). Without it, an upgrade or reinstall of an installed
	// app fails with a *ConsentError when the manifest requests permissions
	// or locations that the installed app was not granted (an explicit
	// GrantedPermissions or GrantedLocations list is consent to what it
	// holds). A first install needs no Grant: the admin who installs an
	// app that is not installed consents by doing so.
	Grant bool
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
	// Before anything is called or changed. Checked again against the
	// stored record when saving, in case another install ran meanwhile.
	if _, err := checkConsent(req, prev, candidate); err != nil {
		return nil, err
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
	var consented string // what this install newly grants to an installed app
	saved, err := s.Apps.Update(m.AppID, func(cur *store.InstalledApp) (*store.InstalledApp, error) {
		var err error
		if consented, err = checkConsent(req, cur, candidate); err != nil {
			return nil, err
		}
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
	case prev != nil:
		res.say("Reinstalled app `%s` (%s) %s.", m.AppID, m.DisplayName, m.Version)
	default:
		res.say("Installed app `%s` (%s) %s with bot account @%s.", m.AppID, m.DisplayName, m.Version, bot.Username)
	}
	if consented != "" {
		res.say("With your consent, the app was granted what it was not granted before: %s.", consented)
	}
	switch {
	case prev == nil:
		s.lifecycleCall(ctx, saved, m.OnInstall, req.ActingUserID, "on_install", res, nil)
	case res.PreviousVersion != m.Version:
		s.lifecycleCall(ctx, saved, m.OnVersionChanged, req.ActingUserID, "on_version_changed", res,
			map[string]any{"prev_version": string(res.PreviousVersion)})
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

// checkConsent compares what next would be granted with what cur, the
// installed app (nil when it is not installed), was granted. It fails with
// a *ConsentError when next gets more and req did not consent to it, and
// otherwise describes what next newly gets ("" for a first install or when
// nothing is new). A location under a granted one is not new.
func checkConsent(req Request, cur, next *store.InstalledApp) (string, error) {
	if cur == nil {
		return "", nil
	}
	var perms apps.Permissions
	for _, p := range next.GrantedPermissions {
		if !apps.Permissions(cur.GrantedPermissions).Contains(p) && !perms.Contains(p) {
			perms = append(perms, p)
		}
	}
	var locs apps.Locations
	for _, l := range next.GrantedLocations {
		if !l.In(cur.GrantedLocations) && !l.In(locs) {
			locs = append(locs, l)
		}
	}
	if len(perms)+len(locs) == 0 {
		return "", nil
	}
	// An explicit list is consent to what it holds.
	consentPerms := req.Grant || req.GrantedPermissions != nil
	consentLocs := req.Grant || req.GrantedLocations != nil
	if (len(perms) > 0 && !consentPerms) || (len(locs) > 0 && !consentLocs) {
		e := &ConsentError{AppID: next.ID(), Version: next.Manifest.Version, InstalledVersion: cur.Manifest.Version}
		if !consentPerms {
			e.NewPermissions = perms
		}
		if !consentLocs {
			e.NewLocations = locs
		}
		return "", e
	}
	return describeGrants(perms, locs), nil
}

// describeGrants lists permissions and locations for a message.
func describeGrants(perms apps.Permissions, locs apps.Locations) string {
	var parts []string
	if len(perms) > 0 {
		words := make([]string, len(perms))
		for i, p := range perms {
			words[i] = string(p)
		}
		parts = append(parts, "permissions "+strings.Join(words, ", "))
	}
	if len(locs) > 0 {
		words := make([]string, len(locs))
		for i, l := range locs {
			words[i] = string(l)
		}
		parts = append(parts, "locations "+strings.Join(words, ", "))
	}
	return strings.Join(parts, "; ")
}

// Package mmnotify tells a Mattermost server's Lambda Apps plugin about a
// deploy, through the plugin's admin REST routes: POST /refresh re-reads
// the bucket so the new app is listed, POST /install-app installs it.
// Requests authenticate with a Mattermost access token of a system admin.
package mmnotify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	lambdaapps "github.com/lambda-apps/lambda-apps"
)

// PluginID is the plugin's ID, part of its route prefix.
var PluginID = lambdaapps.PluginID

// APIPath is the prefix of the plugin's REST routes on a Mattermost site.
var APIPath = lambdaapps.PluginPath() + "/api/v1"

// Environment variables that configure the client.
const (
	EnvSiteURL = "MM_SERVICESETTINGS_SITEURL"
	EnvToken   = "MM_ADMIN_TOKEN"
)

// maxResponse bounds how much of a response is read.
const maxResponse = 1 << 20

// Client calls the plugin's admin routes.
type Client struct {
	siteURL string
	token   string
	http    *http.Client
}

// New returns a client for the Mattermost site at siteURL using an admin's
// access token. httpClient may be nil.
func New(siteURL, token string, httpClient *http.Client) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(siteURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s=%q is not an http(s) URL of the Mattermost site", EnvSiteURL, siteURL)
	}
	if strings.TrimSpace(token) == "" {
		return nil, fmt.Errorf("%s is empty", EnvToken)
	}
	if httpClient == nil {
		httpClient = &http.Client{Timeout: 60 * time.Second}
	}
	return &Client{siteURL: strings.TrimRight(u.String(), "/"), token: strings.TrimSpace(token), http: httpClient}, nil
}

// SiteURL is the site the client talks to.
func (c *Client) SiteURL() string { return c.siteURL }

// Refresh asks the plugin to re-read the app catalog from the bucket.
func (c *Client) Refresh(ctx context.Context) error {
	return c.post(ctx, "/refresh", struct{}{}, "refresh the app catalog")
}

// InstallRequest is the body of POST /install-app.
type InstallRequest struct {
	AppID   string `json:"app_id"`
	Version string `json:"version"`
	// Grant consents to the permissions and locations that Version asks
	// for. The plugin refuses an upgrade or reinstall that asks for more
	// than the installed app was granted without it (ErrConsentRequired);
	// a first install needs no consent.
	Grant bool `json:"grant,omitempty"`
}

// InstallApp asks the plugin to install a version of an app. When the app
// is installed and that version asks for permissions or locations it was
// not granted, and req.Grant is false, the error is an *Error that
// matches ErrConsentRequired and names them.
func (c *Client) InstallApp(ctx context.Context, req InstallRequest) error {
	return c.post(ctx, "/install-app", req, fmt.Sprintf("install app %s %s", req.AppID, req.Version))
}

// CodeConsentRequired is the "code" of the plugin's answer (409) to an
// install that needs the admin's consent.
const CodeConsentRequired = "consent_required"

// ErrConsentRequired matches an *Error for an install that needs
// InstallRequest.Grant.
var ErrConsentRequired = errors.New("the app asks for permissions or locations it was not granted")

// Error is a non-2xx answer of the plugin.
type Error struct {
	Action string
	URL    string
	Status int
	// Message is the JSON "error" field, or an excerpt of the body.
	Message string
	// Code is the JSON "code" field: CodeConsentRequired, or empty.
	Code string
	// For CodeConsentRequired: the installed version, and what the
	// version to install asks for that it was not granted.
	InstalledVersion string
	NewPermissions   []string
	NewLocations     []string
}

// Is makes errors.Is(err, ErrConsentRequired) true for an install that
// needs consent.
func (e *Error) Is(target error) bool {
	return target == ErrConsentRequired && e.Status == http.StatusConflict && e.Code == CodeConsentRequired
}

func (e *Error) Error() string {
	hint := ""
	switch e.Status {
	case http.StatusUnauthorized:
		hint = fmt.Sprintf(" (check %s: it must be a valid access token)", EnvToken)
	case http.StatusForbidden:
		hint = fmt.Sprintf(" (the user of %s must be a system admin)", EnvToken)
	case http.StatusNotFound:
		hint = fmt.Sprintf(" (is the %s plugin installed and enabled, and %s right?)", PluginID, EnvSiteURL)
	}
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("could not %s on Mattermost: POST %s answered %d: %s%s", e.Action, e.URL, e.Status, msg, hint)
}

func (c *Client) post(ctx context.Context, route string, body any, action string) error {
	data, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("could not %s on Mattermost: %w", action, err)
	}
	endpoint := c.siteURL + APIPath + route
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("could not %s on Mattermost: %w", action, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Requested-With", "XMLHttpRequest")
	resp, err := c.http.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return fmt.Errorf("could not %s on Mattermost: cannot reach %s: %w (check %s)", action, endpoint, err, EnvSiteURL)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	return newError(action, endpoint, resp.StatusCode, raw)
}

// newError reads an error answer: the plugin's JSON error body, or
// Mattermost's own, or anything else (an excerpt is kept).
func newError(action, endpoint string, status int, raw []byte) *Error {
	e := &Error{Action: action, URL: endpoint, Status: status}
	var body struct {
		Error            string   `json:"error"`
		Message          string   `json:"message"` // Mattermost's own API errors
		Code             string   `json:"code"`
		InstalledVersion string   `json:"installed_version"`
		NewPermissions   []string `json:"new_permissions"`
		NewLocations     []string `json:"new_locations"`
	}
	if json.Unmarshal(raw, &body) == nil {
		e.Message = body.Error
		if e.Message == "" {
			e.Message = body.Message
		}
		e.Code, e.InstalledVersion = body.Code, body.InstalledVersion
		e.NewPermissions, e.NewLocations = body.NewPermissions, body.NewLocations
	}
	if e.Message == "" {
		e.Message = strings.TrimSpace(string(raw))
		if len(e.Message) > 200 {
			e.Message = e.Message[:200] + "..."
		}
	}
	return e
}

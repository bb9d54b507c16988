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
)

// PluginID is the plugin's ID, part of its route prefix.
const PluginID = "lambda-apps"

// APIPath is the prefix of the plugin's REST routes on a Mattermost site.
const APIPath = "/plugins/" + PluginID + "/api/v1"

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
}

// InstallApp asks the plugin to install version of appID.
func (c *Client) InstallApp(ctx context.Context, appID, version string) error {
	return c.post(ctx, "/install-app", InstallRequest{AppID: appID, Version: version}, fmt.Sprintf("install app %s %s", appID, version))
}

// Error is a non-2xx answer of the plugin.
type Error struct {
	Action string
	URL    string
	Status int
	// Message is the JSON "error" field, or an excerpt of the body.
	Message string
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
	return &Error{Action: action, URL: endpoint, Status: resp.StatusCode, Message: errorMessage(raw)}
}

// errorMessage returns the "error" field of a JSON error body, or an
// excerpt of the body.
func errorMessage(raw []byte) string {
	var e struct {
		Error   string `json:"error"`
		Message string `json:"message"` // Mattermost's own API errors
	}
	if json.Unmarshal(raw, &e) == nil {
		if e.Error != "" {
			return e.Error
		}
		if e.Message != "" {
			return e.Message
		}
	}
	s := strings.TrimSpace(string(raw))
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

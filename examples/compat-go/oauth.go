package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/mattermost/mattermost-plugin-apps/apps"
	"github.com/mattermost/mattermost-plugin-apps/apps/appclient"
	"github.com/mattermost/mattermost-plugin-apps/utils/httputils"
	"golang.org/x/oauth2"
)

// The remote OAuth2 provider's routes, under its root URL (the one an
// admin stores with /compat-go configure).
const (
	remoteAuthorizePath = "/authorize"
	remoteTokenPath     = "/token"
	// remoteUserInfoPath answers {"username": ...} for a bearer token.
	remoteUserInfoPath = "/userinfo"
)

// remoteUser is what the app stores for a user with StoreOAuth2User and
// gets back as context.oauth2.user.
type remoteUser struct {
	Token    *oauth2.Token `json:"token"`
	Username string        `json:"username"`
}

// configure stores the remote OAuth2 client, as the acting user: the
// server accepts it only from a system admin.
func (a *app) configure(_ context.Context, creq *apps.CallRequest) apps.CallResponse {
	client := apps.OAuth2App{
		ClientID:      creq.GetValue("client-id", ""),
		ClientSecret:  creq.GetValue("client-secret", ""),
		RemoteRootURL: strings.TrimRight(creq.GetValue("remote-url", ""), "/"),
	}
	if client.ClientID == "" || client.ClientSecret == "" || client.RemoteRootURL == "" {
		return errorf("configure: give --client-id, --client-secret and --remote-url")
	}
	if u, err := url.Parse(client.RemoteRootURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errorf("configure: --remote-url %q is not an http(s) URL", client.RemoteRootURL)
	}
	// The driver's lower-level call, to tell the status of a refusal.
	res, err := appclient.AsActingUser(creq.Context).ClientPP.StoreOAuth2App(client)
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		return errorf("configure: the server refused to store the OAuth2 client (status %d): %v", status, err)
	}
	return apps.NewTextResponse("configure: stored the OAuth2 client %s for %s. Users can now run `/%s connect`.",
		lastN(client.ClientID, 4), client.RemoteRootURL, commandTrigger)
}

// connect answers a link to the server's connect URL, which calls
// oauth2ConnectURL and redirects the user to the provider.
func (a *app) connect(_ context.Context, creq *apps.CallRequest) apps.CallResponse {
	oc := creq.Context.OAuth2
	if oc.ClientID == "" {
		return errorf("connect: no OAuth2 client is configured; a system admin runs `/%s configure` first", commandTrigger)
	}
	if oc.ConnectURL == "" {
		return errorf("connect: the server gave no connect URL (context.oauth2.connect_url)")
	}
	return apps.NewTextResponse("[Connect your remote account](%s)", oc.ConnectURL)
}

// oauth2ConnectURL is the manifest's get_oauth2_connect_url: it answers the
// provider's authorize URL for the server's state, returning to the
// server's complete URL.
func (a *app) oauth2ConnectURL(_ context.Context, creq *apps.CallRequest) apps.CallResponse {
	state := creq.GetValue("state", "")
	if state == "" {
		return errorf("get_oauth2_connect_url: the call has no state value")
	}
	conf, err := oauth2Config(creq.Context)
	if err != nil {
		return errorf("get_oauth2_connect_url: %v", err)
	}
	return apps.NewDataResponse(conf.AuthCodeURL(state))
}

// oauth2Complete is the manifest's on_oauth2_complete: it exchanges the
// code for a token, asks the provider who the user is and stores both
// for the acting user.
func (a *app) oauth2Complete(ctx context.Context, creq *apps.CallRequest) apps.CallResponse {
	code := creq.GetValue("code", "")
	if code == "" {
		return errorf("on_oauth2_complete: the provider sent no code (error %q)", creq.GetValue("error", ""))
	}
	conf, err := oauth2Config(creq.Context)
	if err != nil {
		return errorf("on_oauth2_complete: %v", err)
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, a.remote)
	tok, err := conf.Exchange(ctx, code)
	if err != nil {
		return errorf("on_oauth2_complete: exchange the code at %s: %v", conf.Endpoint.TokenURL, err)
	}
	username, err := a.remoteUsername(ctx, creq.Context.OAuth2.RemoteRootURL, tok)
	if err != nil {
		return errorf("on_oauth2_complete: %v", err)
	}
	if err := appclient.AsActingUser(creq.Context).StoreOAuth2User(remoteUser{Token: tok, Username: username}); err != nil {
		return errorf("on_oauth2_complete: store the user's token: %v", err)
	}
	a.log.Info("remote account connected", "acting_user_id", actingUserID(creq), "remote_username", username)
	return apps.NewTextResponse("connected as %s", username)
}

// whoAmIRemote reads the stored token from context.oauth2.user, checks that
// the driver's GetOAuth2User reads the same, and asks the provider, with
// the token, who the user is.
func (a *app) whoAmIRemote(ctx context.Context, creq *apps.CallRequest) apps.CallResponse {
	var stored remoteUser
	if creq.Context.OAuth2.User != nil {
		data, err := json.Marshal(creq.Context.OAuth2.User)
		if err == nil {
			err = json.Unmarshal(data, &stored)
		}
		if err != nil {
			return errorf("whoami-remote: context.oauth2.user is not what this app stores: %v", err)
		}
	}
	// The same data through the driver's GET of the user store.
	var viaAPI remoteUser
	if err := appclient.AsActingUser(creq.Context).GetOAuth2User(&viaAPI); err != nil {
		return errorf("whoami-remote: read the stored user data: %v", err)
	}
	if viaAPI.Username != stored.Username {
		return errorf("whoami-remote: context.oauth2.user (%q) and the stored user data (%q) differ", stored.Username, viaAPI.Username)
	}
	if stored.Token == nil || stored.Token.AccessToken == "" {
		return apps.NewTextResponse("whoami-remote: not connected; run `/%s connect`", commandTrigger)
	}
	username, err := a.remoteUsername(ctx, creq.Context.OAuth2.RemoteRootURL, stored.Token)
	if err != nil {
		return errorf("whoami-remote: %v", err)
	}
	return apps.NewTextResponse("whoami-remote: you are %s on %s", username, creq.Context.OAuth2.RemoteRootURL)
}

// oauth2Config is the OAuth2 client from the context's oauth2_app.
func oauth2Config(cc apps.Context) (*oauth2.Config, error) {
	oc := cc.OAuth2
	if oc.ClientID == "" || oc.RemoteRootURL == "" {
		return nil, errors.New("no OAuth2 client is configured (context.oauth2 has no client_id or remote_root_url)")
	}
	if oc.CompleteURL == "" {
		return nil, errors.New("the server gave no complete URL (context.oauth2.complete_url)")
	}
	root := strings.TrimRight(oc.RemoteRootURL, "/")
	return &oauth2.Config{
		ClientID:     oc.ClientID,
		ClientSecret: oc.ClientSecret,
		Endpoint: oauth2.Endpoint{
			AuthURL:   root + remoteAuthorizePath,
			TokenURL:  root + remoteTokenPath,
			AuthStyle: oauth2.AuthStyleInHeader,
		},
		RedirectURL: oc.CompleteURL,
	}, nil
}

// remoteUsername asks the provider's userinfo route who tok belongs to.
func (a *app) remoteUsername(ctx context.Context, remoteRootURL string, tok *oauth2.Token) (string, error) {
	if remoteRootURL == "" {
		return "", errors.New("no remote URL is configured (context.oauth2.remote_root_url)")
	}
	u := strings.TrimRight(remoteRootURL, "/") + remoteUserInfoPath
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", fmt.Errorf("ask %s who the user is: %w", u, err)
	}
	tok.SetAuthHeader(req)
	res, err := a.remote.Do(req)
	if err != nil {
		return "", fmt.Errorf("ask %s who the user is: %w", u, err)
	}
	defer res.Body.Close()
	body, err := httputils.LimitReadAll(res.Body, httputils.InLimit)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", u, err)
	}
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s answered status %d", u, res.StatusCode)
	}
	var info struct {
		Username string `json:"username"`
	}
	if err := json.Unmarshal(body, &info); err != nil || info.Username == "" {
		return "", fmt.Errorf("%s answered no username", u)
	}
	return info.Username, nil
}

// lastN shows the end of an identifier, as v1.2 logs them.
func lastN(s string, n int) string {
	if len(s) <= n {
		return "…"
	}
	return "…" + s[len(s)-n:]
}

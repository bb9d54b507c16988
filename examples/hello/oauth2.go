package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/lambda-apps/lambda-apps/apps"
)

// The app connects its users to a remote service with OAuth2 (the
// remote_oauth2 permission). The service is any OAuth2 provider with the
// usual endpoints under its root URL: /authorize, /token, and /userinfo
// answering {"username": ...} to its access token.
//
//  1. A system admin stores the app's client once: /oauth2/configure.
//  2. A user opens the plugin's connect URL (context.oauth2.connect_url);
//     the plugin calls get_oauth2_connect_url (/oauth2/connect) with a
//     state, and sends the browser to the URL the app answers.
//  3. The provider sends the browser back to the plugin's complete URL; the
//     plugin checks the state and calls on_oauth2_complete
//     (/oauth2/complete) with the query values: the app trades the code
//     for a token and stores it as the user's OAuth2 data.
//  4. Later calls that expand oauth2_user get it back (/oauth2/me).

// remoteUser is what the app keeps for a connected user (the app services
// API's oauth2/user data). The token never leaves the app's calls.
type remoteUser struct {
	RemoteUser  string `json:"remote_user"`
	AccessToken string `json:"access_token"`
}

// oauth2Configure stores the remote OAuth2 client (values remote_root_url,
// client_id, client_secret) with the app services API, as the system admin
// who calls it (expand acting_user: all, acting_user_access_token: all).
func oauth2Configure(ctx context.Context, req request) apps.CallResponse {
	u := req.ActingUser
	if u == nil || !strings.Contains(" "+u.Roles+" ", " system_admin ") {
		return errorResponse("Only a system admin may configure the remote OAuth2 client.")
	}
	root := strings.TrimRight(strings.TrimSpace(valueString(req.Values["remote_root_url"])), "/")
	if p, err := url.Parse(root); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return errorResponse("remote_root_url must be the provider's http(s) root URL.")
	}
	client := apps.OAuth2App{
		RemoteRootURL: root,
		ClientID:      strings.TrimSpace(valueString(req.Values["client_id"])),
		ClientSecret:  strings.TrimSpace(valueString(req.Values["client_secret"])),
	}
	if client.ClientID == "" || client.ClientSecret == "" {
		return errorResponse("client_id and client_secret are required.")
	}
	api, err := servicesAPI(req, req.Context.ActingUserAccessToken)
	if err != nil {
		return errorResponse("%v", err)
	}
	if err := api.post(ctx, "/oauth2/app", client, nil); err != nil {
		return errorResponse("Could not store the OAuth2 client: %v", err)
	}
	return apps.NewTextResponse("The remote OAuth2 client is configured: users connect at %s", connectURLOf(req))
}

// oauth2Connect answers get_oauth2_connect_url (expand oauth2_app: all): the
// provider's authorization URL for the plugin's state.
func oauth2Connect(_ context.Context, req request) apps.CallResponse {
	oa := req.OAuth2
	if oa == nil || oa.RemoteRootURL == "" || oa.ClientID == "" {
		return errorResponse("The remote OAuth2 client is not configured: a system admin calls /oauth2/configure first.")
	}
	state := valueString(req.Values["state"])
	if state == "" {
		return errorResponse("The plugin sent no state.")
	}
	q := url.Values{
		"response_type": {"code"},
		"client_id":     {oa.ClientID},
		"redirect_uri":  {oa.CompleteURL},
		"state":         {state},
	}
	return apps.NewDataResponse(oa.RemoteRootURL + "/authorize?" + q.Encode())
}

// oauth2Complete answers on_oauth2_complete (expand oauth2_app: all,
// acting_user_access_token: all): it trades the code for an access token,
// asks the provider whose it is, and stores both as the user's OAuth2 data.
func oauth2Complete(ctx context.Context, req request) apps.CallResponse {
	if e := valueString(req.Values["error"]); e != "" {
		return errorResponse("The remote service did not connect your account: %s", e)
	}
	code := valueString(req.Values["code"])
	if code == "" {
		return errorResponse("The remote service sent no code.")
	}
	oa := req.OAuth2
	if oa == nil || oa.RemoteRootURL == "" {
		return errorResponse("The remote OAuth2 client is not configured.")
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {oa.CompleteURL},
		"client_id":     {oa.ClientID},
		"client_secret": {oa.ClientSecret},
	}
	if err := remoteDo(ctx, http.MethodPost, oa.RemoteRootURL+"/token", "", form, &tok); err != nil {
		return errorResponse("Could not trade the code for a token: %v", err)
	}
	if tok.AccessToken == "" {
		return errorResponse("The remote service answered no access token.")
	}
	var who struct {
		Username string `json:"username"`
	}
	if err := remoteDo(ctx, http.MethodGet, oa.RemoteRootURL+"/userinfo", tok.AccessToken, nil, &who); err != nil {
		return errorResponse("Could not ask the remote service who you are: %v", err)
	}
	api, err := servicesAPI(req, req.Context.ActingUserAccessToken)
	if err != nil {
		return errorResponse("%v", err)
	}
	if err := api.post(ctx, "/oauth2/user", remoteUser{RemoteUser: who.Username, AccessToken: tok.AccessToken}, nil); err != nil {
		return errorResponse("Could not store your connection: %v", err)
	}
	return apps.NewTextResponse("Connected as %s.", who.Username)
}

// oauth2Me says whom the acting user is connected as (expand oauth2_user:
// all), never the token.
func oauth2Me(_ context.Context, req request) apps.CallResponse {
	if req.OAuth2 == nil || len(req.OAuth2.User) == 0 {
		return apps.NewTextResponse("You are not connected to the remote service.")
	}
	var u remoteUser
	if err := json.Unmarshal(req.OAuth2.User, &u); err != nil || u.RemoteUser == "" {
		return errorResponse("Your stored connection is not one this app made.")
	}
	return apps.NewTextResponse("You are connected to the remote service as %s.", u.RemoteUser)
}

// connectURLOf is where users start the connection (from the expanded
// oauth2 context, or built from the app's path).
func connectURLOf(req request) string {
	if req.OAuth2 != nil && req.OAuth2.ConnectURL != "" {
		return req.OAuth2.ConnectURL
	}
	return req.Context.MattermostSiteURL + req.Context.AppPath + apps.RemoteOAuth2ConnectPath
}

// servicesAPI is a client of the plugin's app services API
// (<site>/plugins/<plugin id>/api/v1), acting with token.
func servicesAPI(req request, token string) (mattermost, error) {
	c := req.Context
	if token == "" {
		return mattermost{}, fmt.Errorf("the call has no acting user access token: it must expand acting_user_access_token, and the app needs act_as_user")
	}
	suffix := "/apps/" + string(c.AppID)
	if c.MattermostSiteURL == "" || !strings.HasSuffix(c.AppPath, suffix) {
		return mattermost{}, fmt.Errorf("the call has no site URL or app path")
	}
	return mattermost{url: strings.TrimSuffix(c.MattermostSiteURL, "/") + strings.TrimSuffix(c.AppPath, suffix) + "/api/v1", token: token}, nil
}

// remoteDo calls the remote service: a form POST, or a GET with a bearer
// token, decoding the JSON answer into out.
func remoteDo(ctx context.Context, method, target, bearer string, form url.Values, out any) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return err
	}
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if bearer != "" {
		r.Header.Set("Authorization", "Bearer "+bearer)
	}
	r.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s: HTTP %d", r.URL.Path, resp.StatusCode)
	}
	return json.Unmarshal(b, out)
}

package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/lambda-apps/lambda-apps/apps"
)

// request is a call request together with the objects of its expanded
// context that this app reads, decoded from the raw JSON the plugin sends
// (apps.ExpandedContext carries them as json.RawMessage). Each is nil when
// the call did not expand it.
type request struct {
	apps.CallRequest
	ActingUser *expandedUser // context.acting_user
	App        *expandedApp  // context.app
	Post       *expandedPost // context.post
	// OAuth2 is context.oauth2: the remote OAuth2 client and the plugin's
	// connect/complete URLs (oauth2_app), the user's data (oauth2_user).
	OAuth2 *apps.OAuth2Context
}

// expandedUser is the part of an expanded Mattermost user this app reads;
// Roles comes with level "all".
type expandedUser struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Roles    string `json:"roles,omitempty"`
}

// expandedApp is the part of the expanded app this app reads;
// WebhookSecret comes with level "all" when the app was granted
// remote_webhooks.
type expandedApp struct {
	AppID         string `json:"app_id"`
	WebhookSecret string `json:"webhook_secret,omitempty"`
}

// expandedPost is the part of an expanded Mattermost post this app reads.
type expandedPost struct {
	ID      string `json:"id"`
	Message string `json:"message"`
}

// decodeRequest decodes a CallRequest body (an empty body is an empty
// request) and the expanded objects this app reads. An error names the
// JSON problem.
func decodeRequest(body []byte) (request, error) {
	var req request
	if len(body) > 0 {
		cr, err := apps.DecodeCallRequest(body)
		if err != nil {
			// Report the encoding/json error itself, without the apps
			// package's "decode call request:" prefix.
			if inner := errors.Unwrap(err); inner != nil {
				err = inner
			}
			return request{}, err
		}
		req.CallRequest = *cr
	}
	ec := req.Context.ExpandedContext
	for _, x := range []struct {
		key string
		raw json.RawMessage
		to  any
	}{
		{"acting_user", ec.ActingUser, &req.ActingUser},
		{"app", ec.App, &req.App},
		{"post", ec.Post, &req.Post},
		{"oauth2", ec.OAuth2, &req.OAuth2},
	} {
		if len(x.raw) == 0 {
			continue
		}
		if err := json.Unmarshal(x.raw, x.to); err != nil {
			return request{}, fmt.Errorf("context.%s: %w", x.key, err)
		}
	}
	return req, nil
}

package apps

import (
	"encoding/json"
	"fmt"
)

// CallRequest is what the plugin sends to an app (and what a client sends
// to the plugin): the call itself plus the submitted values and the context.
type CallRequest struct {
	Call
	// Values holds submitted form values; select values may be
	// {"label","value"} objects.
	Values        map[string]any `json:"values,omitempty"`
	Context       Context        `json:"context"`
	RawCommand    string         `json:"raw_command,omitempty"`
	SelectedField string         `json:"selected_field,omitempty"`
	Query         string         `json:"query,omitempty"`
}

// callRequestWire is CallRequest with the Call's fields spelled out, so
// that a request decodes in one pass (the embedded Call's own
// UnmarshalJSON would otherwise be promoted and swallow the whole object).
type callRequestWire struct {
	Path          string         `json:"path,omitempty"`
	Expand        *Expand        `json:"expand,omitempty"`
	State         any            `json:"state,omitempty"`
	Values        map[string]any `json:"values,omitempty"`
	Context       Context        `json:"context"`
	RawCommand    string         `json:"raw_command,omitempty"`
	SelectedField string         `json:"selected_field,omitempty"`
	Query         string         `json:"query,omitempty"`
}

// UnmarshalJSON decodes a CallRequest object.
func (r *CallRequest) UnmarshalJSON(data []byte) error {
	var w callRequestWire
	if err := json.Unmarshal(data, &w); err != nil {
		return fmt.Errorf("decode call request: %w", err)
	}
	r.fromWire(&w)
	return nil
}

// DecodeCallRequest decodes a CallRequest in a single pass over data (a
// plain json.Unmarshal into a CallRequest validates the input twice).
func DecodeCallRequest(data []byte) (*CallRequest, error) {
	var w callRequestWire
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("decode call request: %w", err)
	}
	r := &CallRequest{}
	r.fromWire(&w)
	return r, nil
}

func (r *CallRequest) fromWire(w *callRequestWire) {
	*r = CallRequest{
		Call:          Call{Path: w.Path, Expand: w.Expand, State: w.State},
		Values:        w.Values,
		Context:       w.Context,
		RawCommand:    w.RawCommand,
		SelectedField: w.SelectedField,
		Query:         w.Query,
	}
}

// Context is the context of a call. Its first part comes from the user
// agent; ExpandedContext is filled in by the plugin according to the call's
// Expand.
type Context struct {
	// AppID is always present in JSON.
	AppID     AppID    `json:"app_id"`
	Location  Location `json:"location,omitempty"`
	UserAgent string   `json:"user_agent,omitempty"`
	// Subject names the event of a notification call.
	Subject    string `json:"subject,omitempty"`
	ChannelID  string `json:"channel_id,omitempty"`
	TeamID     string `json:"team_id,omitempty"`
	PostID     string `json:"post_id,omitempty"`
	RootPostID string `json:"root_post_id,omitempty"`
	UserID     string `json:"user_id,omitempty"`

	ExpandedContext
}

// ExpandedContext is the part of a Context the plugin fills in. Mattermost
// objects are raw JSON (in Mattermost's own format) so that this package
// needs no Mattermost import.
type ExpandedContext struct {
	MattermostSiteURL string `json:"mattermost_site_url,omitempty"`
	// AppPath is the app's path on the site, for building URLs to the
	// plugin (e.g. static assets).
	AppPath   string `json:"app_path,omitempty"`
	BotUserID string `json:"bot_user_id,omitempty"`
	// BotAccessToken is only set when the app was granted act_as_bot.
	BotAccessToken string `json:"bot_access_token,omitempty"`
	// ActingUserAccessToken is only set when the app was granted
	// act_as_user.
	ActingUserAccessToken string `json:"acting_user_access_token,omitempty"`
	Locale                string `json:"locale,omitempty"`

	App           json.RawMessage `json:"app,omitempty"`
	ActingUser    json.RawMessage `json:"acting_user,omitempty"`
	Channel       json.RawMessage `json:"channel,omitempty"`
	ChannelMember json.RawMessage `json:"channel_member,omitempty"`
	Team          json.RawMessage `json:"team,omitempty"`
	TeamMember    json.RawMessage `json:"team_member,omitempty"`
	Post          json.RawMessage `json:"post,omitempty"`
	RootPost      json.RawMessage `json:"root_post,omitempty"`
	User          json.RawMessage `json:"user,omitempty"`
	OAuth2        json.RawMessage `json:"oauth2,omitempty"`
}

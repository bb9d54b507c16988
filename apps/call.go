package apps

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Call names an app function to invoke: its path, what the plugin should
// expand into the request context, and opaque state echoed back to the app.
//
// In JSON a Call is either an object {"path","expand","state"} or a bare
// string, which is its path. It always marshals as an object.
type Call struct {
	Path   string  `json:"path,omitempty"`
	Expand *Expand `json:"expand,omitempty"`
	State  any     `json:"state,omitempty"`
}

// callFields has Call's fields without its methods, for decoding.
type callFields Call

// NewCall returns a Call to path with nothing expanded.
func NewCall(path string) *Call {
	return &Call{Path: path}
}

// UnmarshalJSON decodes a Call from a path string or an object.
func (c *Call) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '"' {
		var path string
		if err := json.Unmarshal(data, &path); err != nil {
			return fmt.Errorf("decode call path: %w", err)
		}
		*c = Call{Path: path}
		return nil
	}
	var f callFields
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("decode call: must be a path string or an object with \"path\", \"expand\", \"state\": %w", err)
	}
	*c = Call(f)
	return nil
}

// validate reports problems with the call under field name field.
func (c *Call) validate(field string, problems *ValidationError) {
	if c == nil {
		return
	}
	if c.Path != "" && c.Path[0] != '/' {
		problems.Addf(field+".path", "must start with '/' (got %q)", c.Path)
	}
	if c.Expand != nil {
		c.Expand.validate(field+".expand", problems)
	}
}

// ExpandLevel says how much of an object the plugin puts into the call
// context: none, id, summary or all. A "+" prefix (e.g. "+summary") marks
// the expansion as required: the call fails if it cannot be expanded.
// An empty level means the default for that object (usually none).
type ExpandLevel string

// The expand levels.
const (
	ExpandDefault ExpandLevel = ""
	ExpandNone    ExpandLevel = "none"
	ExpandID      ExpandLevel = "id"
	ExpandSummary ExpandLevel = "summary"
	ExpandAll     ExpandLevel = "all"
)

// requiredPrefix marks a required expansion.
const requiredPrefix = "+"

// ParseExpandLevel splits a raw level such as "+summary" into its level and
// whether it is required. An empty string gives ExpandNone, not required.
func ParseExpandLevel(raw string) (level ExpandLevel, required bool, err error) {
	s := raw
	if len(s) > 0 && s[:1] == requiredPrefix {
		required = true
		s = s[1:]
		if s == "" {
			return "", false, errors.New(`"+" must be followed by a level: none, id, summary or all`)
		}
	}
	switch l := ExpandLevel(s); l {
	case ExpandDefault:
		return ExpandNone, false, nil
	case ExpandNone, ExpandID, ExpandSummary, ExpandAll:
		return l, required, nil
	}
	return "", false, fmt.Errorf("unknown expand level %q: use none, id, summary or all, with an optional '+' prefix for required", raw)
}

// Level returns l without the required marker, or ExpandNone if l is empty
// or invalid.
func (l ExpandLevel) Level() ExpandLevel {
	level, _, err := ParseExpandLevel(string(l))
	if err != nil {
		return ExpandNone
	}
	return level
}

// Required reports whether l carries the "+" required marker.
func (l ExpandLevel) Required() bool {
	_, required, err := ParseExpandLevel(string(l))
	return err == nil && required
}

// Expand lists what the plugin should expand into a call's context.
type Expand struct {
	App                   ExpandLevel `json:"app,omitempty"`
	ActingUser            ExpandLevel `json:"acting_user,omitempty"`
	ActingUserAccessToken ExpandLevel `json:"acting_user_access_token,omitempty"`
	Locale                ExpandLevel `json:"locale,omitempty"`
	Channel               ExpandLevel `json:"channel,omitempty"`
	ChannelMember         ExpandLevel `json:"channel_member,omitempty"`
	Team                  ExpandLevel `json:"team,omitempty"`
	TeamMember            ExpandLevel `json:"team_member,omitempty"`
	Post                  ExpandLevel `json:"post,omitempty"`
	RootPost              ExpandLevel `json:"root_post,omitempty"`
	User                  ExpandLevel `json:"user,omitempty"`
	OAuth2App             ExpandLevel `json:"oauth2_app,omitempty"`
	OAuth2User            ExpandLevel `json:"oauth2_user,omitempty"`
}

// Validate reports every level that does not parse, naming its JSON key.
func (e *Expand) Validate() error {
	var problems ValidationError
	e.validate("expand", &problems)
	return problems.Err()
}

func (e *Expand) validate(field string, problems *ValidationError) {
	for _, x := range []struct {
		key   string
		level ExpandLevel
	}{
		{"app", e.App},
		{"acting_user", e.ActingUser},
		{"acting_user_access_token", e.ActingUserAccessToken},
		{"locale", e.Locale},
		{"channel", e.Channel},
		{"channel_member", e.ChannelMember},
		{"team", e.Team},
		{"team_member", e.TeamMember},
		{"post", e.Post},
		{"root_post", e.RootPost},
		{"user", e.User},
		{"oauth2_app", e.OAuth2App},
		{"oauth2_user", e.OAuth2User},
	} {
		if _, _, err := ParseExpandLevel(string(x.level)); err != nil {
			problems.Add(field+"."+x.key, err.Error())
		}
	}
}

package dialog

import (
	"github.com/lambda-apps/lambda-apps/apps"
)

// Kinds of dialog the plugin opens.
const (
	KindForm    = "form"    // an app's form
	KindConsent = "consent" // the install consent of /apps install
)

// Where is where a form was opened: the app, its location and the
// Mattermost context that the form's calls carry.
type Where struct {
	AppID      apps.AppID    `json:"a"`
	Location   apps.Location `json:"l,omitempty"`
	ChannelID  string        `json:"ch,omitempty"`
	TeamID     string        `json:"t,omitempty"`
	PostID     string        `json:"p,omitempty"`
	RootPostID string        `json:"r,omitempty"`
}

// State is what a dialog remembers between opening and submission: what to
// call, where, and the fields it showed. It travels to the client sealed
// (see Sealer), so a client can neither read its calls nor change them.
type State struct {
	Kind string `json:"k"`
	Where
	Version apps.AppVersion  `json:"v,omitempty"` // the app version a consent dialog installs
	Call    *apps.Call       `json:"c,omitempty"` // a form's submit call
	Fields  map[string]Field `json:"f,omitempty"`
}

// Field is what a submission needs to know of one of the form's fields.
type Field struct {
	Type    apps.FieldType      `json:"t,omitempty"`
	Options []apps.SelectOption `json:"o,omitempty"`
	Multi   bool                `json:"m,omitempty"`
	// Dynamic marks a dynamic_select: its value need not be one of Options
	// (those were looked up once; the user may have typed another).
	Dynamic bool `json:"d,omitempty"`
	// Lookup is a dynamic select's lookup call, for the client's lookups
	// as the user types (Mattermost 11 dialogs).
	Lookup *apps.Call `json:"l,omitempty"`
}

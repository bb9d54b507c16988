package apps

// Binding places an app's UI element (a slash command, a channel header
// button, a post menu item...) at a Location. A binding has exactly one of
// Submit, Form or Bindings (sub-bindings).
//
// Bindings under "/command" define slash commands: a top-level Label is the
// trigger, nested bindings are sub-commands, and form fields are flags.
type Binding struct {
	AppID       AppID     `json:"app_id,omitempty"`
	Location    Location  `json:"location,omitempty"`
	Icon        string    `json:"icon,omitempty"`
	Label       string    `json:"label,omitempty"`
	Hint        string    `json:"hint,omitempty"`
	Description string    `json:"description,omitempty"`
	Submit      *Call     `json:"submit,omitempty"`
	Form        *Form     `json:"form,omitempty"`
	Bindings    []Binding `json:"bindings,omitempty"`
}

package main

// The Mattermost Apps call protocol, as far as this app uses it. An app on
// AWS Lambda needs nothing from Mattermost's Go packages: these few structs
// mirror the JSON documents the Lambda Apps plugin sends and expects.

// Call names a path of the app to call, and what context to send with it.
type Call struct {
	Path   string            `json:"path"`
	Expand map[string]string `json:"expand,omitempty"`
	State  any               `json:"state,omitempty"`
}

// CallRequest is what the plugin sends for a call.
type CallRequest struct {
	Path          string            `json:"path"`
	Expand        map[string]string `json:"expand,omitempty"`
	State         any               `json:"state,omitempty"`
	Values        map[string]any    `json:"values,omitempty"`
	Context       Context           `json:"context"`
	RawCommand    string            `json:"raw_command,omitempty"`
	SelectedField string            `json:"selected_field,omitempty"`
	Query         string            `json:"query,omitempty"`
}

// Context is the part of a CallRequest that describes where and by whom the
// call was made; the expanded fields are present when the Call asked for them.
type Context struct {
	AppID             string `json:"app_id"`
	Location          string `json:"location,omitempty"`
	UserAgent         string `json:"user_agent,omitempty"`
	ChannelID         string `json:"channel_id,omitempty"`
	TeamID            string `json:"team_id,omitempty"`
	PostID            string `json:"post_id,omitempty"`
	UserID            string `json:"user_id,omitempty"`
	MattermostSiteURL string `json:"mattermost_site_url,omitempty"`
	AppPath           string `json:"app_path,omitempty"`
	BotUserID         string `json:"bot_user_id,omitempty"`
	BotAccessToken    string `json:"bot_access_token,omitempty"`
	App               *App   `json:"app,omitempty"`
	ActingUser        *User  `json:"acting_user,omitempty"`
	Post              *Post  `json:"post,omitempty"`
	Locale            string `json:"locale,omitempty"`
}

// App is the expanded app; WebhookSecret comes with level "all" when the
// app was granted remote_webhooks.
type App struct {
	AppID         string `json:"app_id"`
	WebhookSecret string `json:"webhook_secret,omitempty"`
}

// User is an expanded Mattermost user; Roles comes with level "all".
type User struct {
	ID        string `json:"id"`
	Username  string `json:"username"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	Roles     string `json:"roles,omitempty"`
}

// Post is an expanded Mattermost post.
type Post struct {
	ID        string `json:"id"`
	Message   string `json:"message"`
	UserID    string `json:"user_id,omitempty"`
	ChannelID string `json:"channel_id,omitempty"`
}

// Response types.
const (
	TypeOK    = "ok"
	TypeError = "error"
	TypeForm  = "form"
)

// CallResponse is what the app answers.
type CallResponse struct {
	Type            string `json:"type"`
	Text            string `json:"text,omitempty"`
	Data            any    `json:"data,omitempty"`
	Form            *Form  `json:"form,omitempty"`
	RefreshBindings bool   `json:"refresh_bindings,omitempty"`
}

// Binding puts a call or a form at a location of the Mattermost UI.
type Binding struct {
	Location    string    `json:"location,omitempty"`
	Label       string    `json:"label,omitempty"`
	Icon        string    `json:"icon,omitempty"`
	Hint        string    `json:"hint,omitempty"`
	Description string    `json:"description,omitempty"`
	Submit      *Call     `json:"submit,omitempty"`
	Form        *Form     `json:"form,omitempty"`
	Bindings    []Binding `json:"bindings,omitempty"`
}

// Form is a modal dialog, or the flags of a slash command.
type Form struct {
	Title  string  `json:"title,omitempty"`
	Header string  `json:"header,omitempty"`
	Icon   string  `json:"icon,omitempty"`
	Submit *Call   `json:"submit,omitempty"`
	Fields []Field `json:"fields,omitempty"`
}

// Field types used by this app.
const (
	FieldText          = "text"
	FieldStaticSelect  = "static_select"
	FieldDynamicSelect = "dynamic_select"
	FieldBool          = "bool"
)

// Field is one input of a Form.
type Field struct {
	Name        string   `json:"name"`
	Type        string   `json:"type"`
	Label       string   `json:"label,omitempty"`
	ModalLabel  string   `json:"modal_label,omitempty"`
	Description string   `json:"description,omitempty"`
	Hint        string   `json:"hint,omitempty"`
	Subtype     string   `json:"subtype,omitempty"`
	Position    int      `json:"position,omitempty"`
	IsRequired  bool     `json:"is_required,omitempty"`
	MaxLength   int      `json:"max_length,omitempty"`
	Options     []Option `json:"options,omitempty"`
	Multiselect bool     `json:"multiselect,omitempty"`
	// Lookup is called for the choices of a dynamic_select field.
	Lookup *Call `json:"lookup,omitempty"`
}

// Option is a choice of a select field.
type Option struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

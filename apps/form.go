package apps

// Form is a dialog or command form an app asks the user to fill in.
type Form struct {
	// Source, if set, is called to fetch the form (and to refresh it).
	Source *Call  `json:"source,omitempty"`
	Title  string `json:"title,omitempty"`
	Header string `json:"header,omitempty"`
	Footer string `json:"footer,omitempty"`
	Icon   string `json:"icon,omitempty"`
	// Submit is called with the values when the form is submitted.
	Submit *Call `json:"submit,omitempty"`
	// SubmitButtons names the field whose options are the submit buttons.
	SubmitButtons string  `json:"submit_buttons,omitempty"`
	Fields        []Field `json:"fields,omitempty"`
}

// FieldType is the type of a form field.
type FieldType string

// The form field types.
const (
	FieldTypeText          FieldType = "text"
	FieldTypeStaticSelect  FieldType = "static_select"
	FieldTypeDynamicSelect FieldType = "dynamic_select"
	FieldTypeBool          FieldType = "bool"
	FieldTypeUser          FieldType = "user"
	FieldTypeChannel       FieldType = "channel"
	FieldTypeMarkdown      FieldType = "markdown"
)

// TextFieldSubtype refines a text field.
type TextFieldSubtype string

// The text field subtypes.
const (
	TextFieldSubtypeInput     TextFieldSubtype = "input"
	TextFieldSubtypeTextarea  TextFieldSubtype = "textarea"
	TextFieldSubtypeNumber    TextFieldSubtype = "number"
	TextFieldSubtypeEmail     TextFieldSubtype = "email"
	TextFieldSubtypeTelephone TextFieldSubtype = "tel"
	TextFieldSubtypeURL       TextFieldSubtype = "url"
	TextFieldSubtypePassword  TextFieldSubtype = "password"
)

// Field is one field of a Form. In a slash command, Label is the --flag
// name and a non-zero Position makes the field positional.
type Field struct {
	Name        string    `json:"name"`
	Type        FieldType `json:"type,omitempty"`
	IsRequired  bool      `json:"is_required,omitempty"`
	ReadOnly    bool      `json:"readonly,omitempty"`
	Value       any       `json:"value,omitempty"`
	Description string    `json:"description,omitempty"`
	Label       string    `json:"label,omitempty"`
	Hint        string    `json:"hint,omitempty"`
	Position    int       `json:"position,omitempty"`
	ModalLabel  string    `json:"modal_label,omitempty"`

	// Select fields.
	Multiselect bool           `json:"multiselect,omitempty"`
	Refresh     bool           `json:"refresh,omitempty"`
	Options     []SelectOption `json:"options,omitempty"`
	Lookup      *Call          `json:"lookup,omitempty"`

	// Text fields.
	Subtype   TextFieldSubtype `json:"subtype,omitempty"`
	MinLength int              `json:"min_length,omitempty"`
	MaxLength int              `json:"max_length,omitempty"`
}

// SelectOption is one option of a select field (or a lookup result).
type SelectOption struct {
	Label    string `json:"label,omitempty"`
	Value    string `json:"value,omitempty"`
	IconData string `json:"icon_data,omitempty"`
}

// Package dialog turns app forms into Mattermost interactive dialogs and
// their submissions back into call values, and keeps what a dialog must
// remember (the State) sealed while the client holds it.
package dialog

import (
	"cmp"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/apps"
)

// truncate shortens s to at most n bytes (the dialog limits count bytes),
// cutting at a character boundary and marking the cut with an ellipsis.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const ellipsis = "…"
	cut := n - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:max(cut, 0)] + ellipsis
}

// FromForm builds the interactive dialog for an app's form opened at where,
// and the state its submission must come back with; the caller seals the
// state into the dialog (Sealer.Seal) before opening it. Markdown fields
// become part of the introduction text; field types map to the dialog's
// element types. With lookupURL set, the client looks up the choices of
// dynamic_select fields as the user types (Mattermost 11 dialogs): such
// fields become "dynamic" selects that ask lookupURL. With lookupURL empty,
// a dynamic_select without choices is free text.
func FromForm(form *apps.Form, where Where, fallbackTitle, lookupURL string) (model.Dialog, State, error) {
	st := State{Kind: KindForm, Where: where, Call: form.Submit, Fields: map[string]Field{}}
	title := cmp.Or(form.Title, fallbackTitle, "App")
	intro := []string{}
	if form.Header != "" {
		intro = append(intro, form.Header)
	}
	var elements []model.DialogElement
	for _, f := range form.Fields {
		if f.Type == apps.FieldTypeMarkdown {
			if d := cmp.Or(f.Description, valueString(f.Value)); d != "" {
				intro = append(intro, d)
			}
			continue
		}
		if f.ReadOnly {
			continue
		}
		el := model.DialogElement{
			Name:        f.Name,
			DisplayName: truncate(cmp.Or(f.ModalLabel, f.Label, f.Name), model.DialogElementDisplayNameMaxLength),
			HelpText:    truncate(f.Description, model.DialogElementHelpTextMaxLength),
			Placeholder: f.Hint,
			Optional:    !f.IsRequired,
		}
		def := valueString(f.Value)
		switch f.Type {
		case apps.FieldTypeBool:
			el.Type = "bool"
			if def == "true" || def == "false" {
				el.Default = def
			}
			el.Placeholder = truncate(cmp.Or(f.Hint, f.Description, f.Label), model.DialogElementBoolMaxLength)
		case apps.FieldTypeStaticSelect, apps.FieldTypeDynamicSelect:
			if f.Type == apps.FieldTypeDynamicSelect && len(f.Options) == 0 && f.Lookup != nil && lookupURL != "" {
				el.Type, el.DataSource, el.DataSourceURL, el.MultiSelect = "select", "dynamic", lookupURL, f.Multiselect
				break
			}
			if f.Type == apps.FieldTypeDynamicSelect && len(f.Options) == 0 {
				// No choices were looked up: free text.
				el.Type, el.Default, el.MaxLength = "text", truncate(def, model.DialogElementTextMaxLength), model.DialogElementTextMaxLength
				break
			}
			el.Type, el.MultiSelect = "select", f.Multiselect
			el.Options, el.Default = selectOptions(f)
			if f.Name == form.SubmitButtons {
				el.Optional = false // the choice of submit button
			}
		case apps.FieldTypeUser:
			el.Type, el.DataSource, el.MultiSelect = "select", "users", f.Multiselect
		case apps.FieldTypeChannel:
			el.Type, el.DataSource, el.MultiSelect = "select", "channels", f.Multiselect
		default: // text
			el.Type = "text"
			el.Default = def
			switch f.Subtype {
			case apps.TextFieldSubtypeTextarea:
				el.Type = "textarea"
			case apps.TextFieldSubtypeNumber, apps.TextFieldSubtypeEmail, apps.TextFieldSubtypeTelephone,
				apps.TextFieldSubtypeURL, apps.TextFieldSubtypePassword:
				el.SubType = string(f.Subtype)
			}
			limit := model.DialogElementTextMaxLength
			if el.Type == "textarea" {
				limit = model.DialogElementTextareaMaxLength
			}
			el.MaxLength = limit
			if f.MaxLength > 0 && f.MaxLength < limit {
				el.MaxLength = f.MaxLength
			}
			el.MinLength = min(f.MinLength, el.MaxLength)
			el.Placeholder = truncate(el.Placeholder, limit)
			el.Default = truncate(el.Default, limit)
		}
		info := Field{Type: f.Type, Options: f.Options, Multi: f.Multiselect && el.Type == "select", Dynamic: f.Type == apps.FieldTypeDynamicSelect}
		if el.DataSource == "dynamic" {
			info.Lookup = f.Lookup
		}
		st.Fields[f.Name] = info
		elements = append(elements, el)
	}
	if form.Footer != "" {
		intro = append(intro, "_"+form.Footer+"_")
	}
	d := model.Dialog{
		CallbackId:       string(st.AppID),
		Title:            truncate(title, model.DialogTitleMaxLength),
		IntroductionText: strings.Join(intro, "\n\n"),
		Elements:         elements,
		SubmitLabel:      "Submit",
	}
	if strings.HasPrefix(form.Icon, "https://") || strings.HasPrefix(form.Icon, "http://") {
		d.IconURL = form.Icon
	}
	if err := d.IsValid(); err != nil {
		return model.Dialog{}, State{}, fmt.Errorf("the app's form cannot be shown as a dialog: %w", err)
	}
	return d, st, nil
}

// selectOptions are the dialog options of a select field and its default.
// A multiselect gets its first default only: servers that predate
// multiselect dialogs refuse a default that is not one option.
func selectOptions(f apps.Field) ([]*model.PostActionOptions, string) {
	wanted := map[string]bool{}
	for _, v := range fieldValues(f.Value) {
		wanted[v] = true
	}
	var opts []*model.PostActionOptions
	def := ""
	for _, o := range f.Options {
		opts = append(opts, &model.PostActionOptions{Text: cmp.Or(o.Label, o.Value), Value: o.Value})
		if def == "" && (wanted[o.Value] || wanted[o.Label]) {
			def = o.Value
		}
	}
	return opts, def
}

// fieldValues lists the values of a select field's initial value: an
// option, a string, or a list of either.
func fieldValues(v any) []string {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, fieldValues(e)...)
		}
		return out
	}
	return []string{valueString(v)}
}

// SubmissionValues turns a dialog submission into call values, the way the
// Apps framework sends them: selects as {"label","value"}, multiselects as
// lists of them. Fields the form did not have are dropped. A static
// select's value must be one the form offered: any other is returned as a
// field error (name -> message), since only a changed request can send it.
func SubmissionValues(st State, submission map[string]any) (map[string]any, map[string]string) {
	values := map[string]any{}
	var errs map[string]string
	for name, v := range submission {
		info, known := st.Fields[name]
		if !known {
			continue // only fields the form had
		}
		s, isString := v.(string)
		switch info.Type {
		case apps.FieldTypeStaticSelect, apps.FieldTypeDynamicSelect, apps.FieldTypeUser, apps.FieldTypeChannel:
			chosen := chosenOptions(info, v)
			if bad := notOffered(info, chosen); bad != "" {
				if errs == nil {
					errs = map[string]string{}
				}
				errs[name] = fmt.Sprintf("%q is not one of the choices.", bad)
				continue
			}
			switch {
			case len(chosen) == 0:
			case info.Multi:
				values[name] = chosen
			default:
				values[name] = chosen[0]
			}
		default:
			if isString && s == "" {
				continue
			}
			values[name] = v
		}
	}
	return values, errs
}

// notOffered returns the first chosen value of a static select that is not
// one of its options ("" when all are).
func notOffered(info Field, chosen []apps.SelectOption) string {
	if info.Type != apps.FieldTypeStaticSelect {
		return "" // dynamic selects, users and channels: checked elsewhere
	}
	for _, c := range chosen {
		if !isOption(info.Options, c.Value) {
			return c.Value
		}
	}
	return ""
}

// chosenOptions reads the value of a select element: one value, several
// (a list, or comma-separated when a client joins them) for a multiselect.
// Values are labelled from the field's options.
func chosenOptions(info Field, v any) []apps.SelectOption {
	var raw []string
	switch v := v.(type) {
	case string:
		raw = []string{v}
		if info.Multi && !isOption(info.Options, v) {
			raw = strings.Split(v, ",")
		}
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok {
				raw = append(raw, s)
			}
		}
	}
	var out []apps.SelectOption
	for _, r := range raw {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		opt := apps.SelectOption{Value: r, Label: r}
		for _, o := range info.Options {
			if o.Value == r {
				opt.Label = cmp.Or(o.Label, o.Value)
			}
		}
		out = append(out, opt)
		if !info.Multi {
			break
		}
	}
	return out
}

func isOption(opts []apps.SelectOption, v string) bool {
	for _, o := range opts {
		if o.Value == v {
			return true
		}
	}
	return false
}

// FieldErrors extracts {"errors": {"field": "message"}} from an error
// response's data.
func FieldErrors(resp *apps.CallResponse) map[string]string {
	var data struct {
		Errors map[string]string `json:"errors"`
	}
	if resp.DecodeData(&data) != nil {
		return nil
	}
	return data.Errors
}

func valueString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "true"
		}
		return "false"
	case map[string]any:
		if s, ok := x["value"].(string); ok {
			return s
		}
	}
	return fmt.Sprint(v)
}

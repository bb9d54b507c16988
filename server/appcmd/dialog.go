package appcmd

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/apps"
)

// DialogState travels with an interactive dialog (model.Dialog.State) and
// comes back with its submission: what to call, and where.
type DialogState struct {
	Kind       string               `json:"k"` // "form" (an app's form) or "consent" (install)
	AppID      apps.AppID           `json:"a"`
	Version    apps.AppVersion      `json:"v,omitempty"`
	Call       *apps.Call           `json:"c,omitempty"`
	Location   apps.Location        `json:"l,omitempty"`
	ChannelID  string               `json:"ch,omitempty"`
	TeamID     string               `json:"t,omitempty"`
	PostID     string               `json:"p,omitempty"`
	RootPostID string               `json:"r,omitempty"`
	Fields     map[string]fieldInfo `json:"f,omitempty"`
}

type fieldInfo struct {
	Type    apps.FieldType      `json:"t,omitempty"`
	Options []apps.SelectOption `json:"o,omitempty"`
}

// Dialog kinds.
const (
	KindForm    = "form"
	KindConsent = "consent"
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

// FormToDialog builds the interactive dialog for an app's form. Markdown
// fields become part of the introduction text; field types map to the
// dialog's element types.
func FormToDialog(form *apps.Form, st DialogState, fallbackTitle string) (model.Dialog, error) {
	st.Kind = KindForm
	st.Call = form.Submit
	st.Fields = map[string]fieldInfo{}
	title := firstNonEmpty(form.Title, fallbackTitle, "App")
	intro := []string{}
	if form.Header != "" {
		intro = append(intro, form.Header)
	}
	var elements []model.DialogElement
	for _, f := range form.Fields {
		if f.Type == apps.FieldTypeMarkdown {
			if d := firstNonEmpty(f.Description, valueString(f.Value)); d != "" {
				intro = append(intro, d)
			}
			continue
		}
		if f.ReadOnly {
			continue
		}
		el := model.DialogElement{
			Name:        f.Name,
			DisplayName: truncate(firstNonEmpty(f.ModalLabel, f.Label, f.Name), model.DialogElementDisplayNameMaxLength),
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
			el.Placeholder = truncate(firstNonEmpty(f.Hint, f.Description, f.Label), model.DialogElementBoolMaxLength)
		case apps.FieldTypeStaticSelect:
			el.Type = "select"
			for _, o := range f.Options {
				el.Options = append(el.Options, &model.PostActionOptions{Text: firstNonEmpty(o.Label, o.Value), Value: o.Value})
				if def == o.Value || def == o.Label {
					el.Default = o.Value
				}
			}
		case apps.FieldTypeUser:
			el.Type, el.DataSource = "select", "users"
		case apps.FieldTypeChannel:
			el.Type, el.DataSource = "select", "channels"
		default: // text, dynamic_select (as free text)
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
		st.Fields[f.Name] = fieldInfo{Type: f.Type, Options: f.Options}
		elements = append(elements, el)
	}
	if form.Footer != "" {
		intro = append(intro, "_"+form.Footer+"_")
	}
	state, err := json.Marshal(st)
	if err != nil {
		return model.Dialog{}, err
	}
	d := model.Dialog{
		CallbackId:       string(st.AppID),
		Title:            truncate(title, model.DialogTitleMaxLength),
		IntroductionText: strings.Join(intro, "\n\n"),
		Elements:         elements,
		SubmitLabel:      "Submit",
		State:            string(state),
	}
	if strings.HasPrefix(form.Icon, "https://") || strings.HasPrefix(form.Icon, "http://") {
		d.IconURL = form.Icon
	}
	if err := d.IsValid(); err != nil {
		return model.Dialog{}, fmt.Errorf("the app's form cannot be shown as a dialog: %w", err)
	}
	return d, nil
}

// SubmissionValues turns a dialog submission into call values, the way the
// Apps framework sends them (selects as {"label","value"}).
func SubmissionValues(st DialogState, submission map[string]any) map[string]any {
	values := map[string]any{}
	for name, v := range submission {
		info, known := st.Fields[name]
		if !known {
			continue // only fields the form had
		}
		s, isString := v.(string)
		switch info.Type {
		case apps.FieldTypeStaticSelect:
			if !isString || s == "" {
				continue
			}
			opt := apps.SelectOption{Value: s, Label: s}
			for _, o := range info.Options {
				if o.Value == s {
					opt.Label = firstNonEmpty(o.Label, o.Value)
				}
			}
			values[name] = opt
		case apps.FieldTypeUser, apps.FieldTypeChannel:
			if isString && s != "" {
				values[name] = apps.SelectOption{Value: s, Label: s}
			}
		default:
			if isString && s == "" {
				continue
			}
			values[name] = v
		}
	}
	return values
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

package dialog

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
)

const surveyForm = `{"title":"A rather long survey title that does not fit","header":"Tell us","footer":"Thanks",
 "submit":{"path":"/survey/submit","expand":{"acting_user":"summary"}},
 "fields":[
  {"name":"intro","type":"markdown","description":"**Read me**"},
  {"name":"name","type":"text","label":"name","modal_label":"Your name","is_required":true,"max_length":40},
  {"name":"bio","type":"text","subtype":"textarea","label":"bio"},
  {"name":"age","type":"text","subtype":"number","label":"age","min_length":1},
  {"name":"color","type":"static_select","label":"color","value":"b","options":[{"label":"Red","value":"r"},{"label":"Blue","value":"b"}]},
  {"name":"agree","type":"bool","label":"agree","value":true},
  {"name":"who","type":"user","label":"who"},
  {"name":"where","type":"channel","label":"where"},
  {"name":"hidden","type":"text","readonly":true}]}`

func TestFormToDialog(t *testing.T) {
	var form apps.Form
	require.NoError(t, json.Unmarshal([]byte(surveyForm), &form))
	d, st, err := FromForm(&form, Where{AppID: "hello", ChannelID: "c1"}, "Hello", "")
	require.NoError(t, err)
	assert.Empty(t, d.State, "the caller seals the state")
	assert.NoError(t, (&model.OpenDialogRequest{TriggerId: "x", URL: "/plugins/x", Dialog: d}).IsValid())
	assert.LessOrEqual(t, len([]rune(d.Title)), model.DialogTitleMaxLength)
	assert.True(t, strings.HasSuffix(d.Title, "…"))
	assert.Equal(t, "Tell us\n\n**Read me**\n\n_Thanks_", d.IntroductionText)

	byName := map[string]model.DialogElement{}
	for _, e := range d.Elements {
		byName[e.Name] = e
	}
	assert.Len(t, byName, 7, "markdown and readonly fields are not inputs")
	assert.Equal(t, "Your name", byName["name"].DisplayName)
	assert.False(t, byName["name"].Optional)
	assert.Equal(t, 40, byName["name"].MaxLength)
	assert.Equal(t, "textarea", byName["bio"].Type)
	assert.Equal(t, "number", byName["age"].SubType)
	assert.Equal(t, "select", byName["color"].Type)
	assert.Equal(t, "b", byName["color"].Default)
	assert.Equal(t, "true", byName["agree"].Default)
	assert.Equal(t, "users", byName["who"].DataSource)
	assert.Equal(t, "channels", byName["where"].DataSource)

	assert.Equal(t, KindForm, st.Kind)
	assert.Equal(t, "/survey/submit", st.Call.Path)
	assert.Equal(t, "c1", st.ChannelID)

	values, errs := SubmissionValues(st, map[string]any{
		"name": "Ada", "bio": "", "color": "r", "agree": false, "who": "uid", "where": "", "injected": "x",
	})
	assert.Empty(t, errs)
	assert.Equal(t, map[string]any{
		"name": "Ada", "color": apps.SelectOption{Label: "Red", Value: "r"}, "agree": false,
		"who": apps.SelectOption{Label: "uid", Value: "uid"},
	}, values)
}

func TestSubmissionValuesRefuseStaticValuesNotOffered(t *testing.T) {
	st := State{Kind: KindForm, Fields: map[string]Field{
		"color": {Type: apps.FieldTypeStaticSelect, Options: []apps.SelectOption{{Label: "Red", Value: "r"}}},
		"tags":  {Type: apps.FieldTypeStaticSelect, Multi: true, Options: []apps.SelectOption{{Value: "a"}, {Value: "b"}}},
		"topic": {Type: apps.FieldTypeDynamicSelect, Dynamic: true, Options: []apps.SelectOption{{Value: "go"}}},
	}}
	for _, tc := range []struct {
		name       string
		submission map[string]any
		errField   string
	}{
		{"static value offered", map[string]any{"color": "r"}, ""},
		{"static value not offered", map[string]any{"color": "admin"}, "color"},
		{"one of a multiselect not offered", map[string]any{"tags": []any{"a", "z"}}, "tags"},
		{"joined multiselect offered", map[string]any{"tags": "a,b"}, ""},
		{"dynamic value typed by the user", map[string]any{"topic": "rust"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			values, errs := SubmissionValues(st, tc.submission)
			if tc.errField == "" {
				assert.Empty(t, errs)
				assert.Len(t, values, len(tc.submission))
				return
			}
			assert.Contains(t, errs, tc.errField)
			assert.NotContains(t, values, tc.errField, "a refused value is never passed on")
		})
	}
}

func TestFormToDialogSubmitButtonsAndMultiselect(t *testing.T) {
	form := &apps.Form{Submit: apps.NewCall("/s"), SubmitButtons: "action", Fields: []apps.Field{
		{Name: "action", Type: apps.FieldTypeStaticSelect, Options: []apps.SelectOption{{Label: "Approve", Value: "yes"}, {Label: "Reject", Value: "no"}}},
		{Name: "tags", Type: apps.FieldTypeStaticSelect, Multiselect: true, Value: []any{map[string]any{"value": "b"}, "a"},
			Options: []apps.SelectOption{{Label: "A", Value: "a"}, {Label: "B", Value: "b"}}},
		{Name: "people", Type: apps.FieldTypeUser, Multiselect: true},
		{Name: "note", Type: apps.FieldTypeText, Multiselect: true},
	}}
	d, st, err := FromForm(form, Where{AppID: "hello"}, "Hello", "")
	require.NoError(t, err)
	require.Len(t, d.Elements, 4)
	action, tags, people, note := d.Elements[0], d.Elements[1], d.Elements[2], d.Elements[3]
	assert.False(t, action.Optional, "the submit buttons' field must be chosen")
	assert.Len(t, action.Options, 2)
	assert.True(t, tags.MultiSelect)
	assert.Equal(t, "a", tags.Default, "one default, in option order: older servers accept no list")
	assert.True(t, people.MultiSelect)
	assert.False(t, note.MultiSelect, "multiselect is for selects only")

	values, errs := SubmissionValues(st, map[string]any{"action": "no", "people": "u1,u2", "tags": "", "note": "a,b"})
	assert.Empty(t, errs)
	assert.Equal(t, map[string]any{
		"action": apps.SelectOption{Label: "Reject", Value: "no"},
		"people": []apps.SelectOption{{Label: "u1", Value: "u1"}, {Label: "u2", Value: "u2"}},
		"note":   "a,b",
	}, values, "an empty multiselect is left out")
}

func TestFieldErrors(t *testing.T) {
	resp := &apps.CallResponse{Type: apps.CallResponseTypeError, Text: "fix it", Data: map[string]any{"errors": map[string]any{"name": "required"}}}
	assert.Equal(t, map[string]string{"name": "required"}, FieldErrors(resp))
	assert.Nil(t, FieldErrors(&apps.CallResponse{Type: apps.CallResponseTypeError}))
}

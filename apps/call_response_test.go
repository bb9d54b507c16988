package apps

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCallResponseConstructors(t *testing.T) {
	form := &Form{Title: "T", Fields: []Field{{Name: "f", Type: FieldTypeText}}}
	tests := []struct {
		name string
		got  CallResponse
		want string
	}{
		{"text", NewTextResponse("PONG"), `{"type":"ok","text":"PONG"}`},
		{"text formatted", NewTextResponse("hello %s, %d", "ann", 2), `{"type":"ok","text":"hello ann, 2"}`},
		{"data", NewDataResponse([]int{1}), `{"type":"ok","data":[1]}`},
		{"error", NewErrorResponse(errors.New("boom")), `{"type":"error","text":"boom"}`},
		{"nil error", NewErrorResponse(nil), `{"type":"error","text":"unknown error"}`},
		{"form", NewFormResponse(form), `{"type":"form","form":{"title":"T","fields":[{"name":"f","type":"text"}]}}`},
		{"navigate", NewNavigateResponse("https://x", true), `{"type":"navigate","navigate_to_url":"https://x","use_external_browser":true}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := json.Marshal(tt.got)
			require.NoError(t, err)
			assert.JSONEq(t, tt.want, string(out))
		})
	}
}

func TestDecodeCallResponse(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantType CallResponseType
		wantErr  string
	}{
		{"empty type is ok", `{"text":"hi"}`, CallResponseTypeOK, ""},
		{"ok", `{"type":"ok","data":{"a":1}}`, CallResponseTypeOK, ""},
		{"error", `{"type":"error","text":"bad","data":{"errors":{"f":"x"}}}`, CallResponseTypeError, ""},
		{"form", `{"type":"form","form":{"title":"t"}}`, CallResponseTypeForm, ""},
		{"form without form", `{"type":"form"}`, "", "has no form"},
		{"navigate", `{"type":"navigate","navigate_to_url":"https://x"}`, CallResponseTypeNavigate, ""},
		{"navigate without url", `{"type":"navigate"}`, "", "has no navigate_to_url"},
		{"unknown type", `{"type":"call"}`, "", `unknown type "call"`},
		{"not json", `<html>`, "", "decode call response"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := DecodeCallResponse([]byte(tt.in))
			if tt.wantErr != "" {
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantType, r.Type)
		})
	}
}

func TestCallResponseAsError(t *testing.T) {
	assert.NoError(t, (&CallResponse{Type: CallResponseTypeOK, Text: "fine"}).AsError())
	assert.EqualError(t, (&CallResponse{Type: CallResponseTypeError, Text: "bad"}).AsError(), "bad")
	assert.Error(t, (&CallResponse{Type: CallResponseTypeError}).AsError())
}

func TestCallResponseDecodeBindings(t *testing.T) {
	r, err := DecodeCallResponse([]byte(`{"type":"ok","data":[
		{"location":"/command","bindings":[{"label":"hello","description":"Say hello","bindings":[
			{"location":"send","label":"send","submit":"/send","form":{"fields":[
				{"name":"message","type":"text","label":"message","position":1,"is_required":true,"subtype":"textarea","max_length":100},
				{"name":"color","type":"static_select","options":[{"label":"Red","value":"red","icon_data":"i"}],"multiselect":true},
				{"name":"user","type":"dynamic_select","lookup":{"path":"/lookup"},"refresh":true}
			]}}
		]}]},
		{"location":"/channel_header","bindings":[{"location":"open","icon":"icon.png","label":"Open","submit":{"path":"/open"}}]}
	]}`))
	require.NoError(t, err)

	var bindings []Binding
	require.NoError(t, r.DecodeData(&bindings))
	require.Len(t, bindings, 2)
	assert.Equal(t, LocationCommand, bindings[0].Location)
	send := bindings[0].Bindings[0].Bindings[0]
	assert.Equal(t, &Call{Path: "/send"}, send.Submit)
	require.Len(t, send.Form.Fields, 3)
	assert.Equal(t, Field{Name: "message", Type: FieldTypeText, Label: "message", Position: 1, IsRequired: true,
		Subtype: TextFieldSubtypeTextarea, MaxLength: 100}, send.Form.Fields[0])
	assert.Equal(t, []SelectOption{{Label: "Red", Value: "red", IconData: "i"}}, send.Form.Fields[1].Options)
	assert.True(t, send.Form.Fields[1].Multiselect)
	assert.Equal(t, &Call{Path: "/lookup"}, send.Form.Fields[2].Lookup)
	assert.True(t, send.Form.Fields[2].Refresh)
	assert.Equal(t, Binding{Location: "open", Icon: "icon.png", Label: "Open", Submit: &Call{Path: "/open"}},
		bindings[1].Bindings[0])

	raw := CallResponse{Data: json.RawMessage(`[{"label":"x"}]`)}
	var fromRaw []Binding
	require.NoError(t, raw.DecodeData(&fromRaw))
	assert.Equal(t, []Binding{{Label: "x"}}, fromRaw)

	bad := CallResponse{Data: "not a list"}
	assert.ErrorContains(t, bad.DecodeData(&fromRaw), "decode call response data")
}

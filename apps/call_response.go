package apps

import (
	"encoding/json"
	"errors"
	"fmt"
)

// CallResponseType is the kind of a CallResponse.
type CallResponseType string

// The call response types. An empty type means CallResponseTypeOK.
const (
	CallResponseTypeOK       CallResponseType = "ok"
	CallResponseTypeError    CallResponseType = "error"
	CallResponseTypeForm     CallResponseType = "form"
	CallResponseTypeNavigate CallResponseType = "navigate"
)

// CallResponse is an app's answer to a call.
//
//   - ok: optional markdown Text and Data;
//   - error: Text, with optional field errors in Data;
//   - form: a Form to show;
//   - navigate: NavigateToURL, optionally in an external browser.
//
// RefreshBindings asks clients to fetch the bindings again.
type CallResponse struct {
	Type               CallResponseType `json:"type,omitempty"`
	Text               string           `json:"text,omitempty"`
	Data               any              `json:"data,omitempty"`
	Form               *Form            `json:"form,omitempty"`
	NavigateToURL      string           `json:"navigate_to_url,omitempty"`
	UseExternalBrowser bool             `json:"use_external_browser,omitempty"`
	RefreshBindings    bool             `json:"refresh_bindings,omitempty"`
}

// NewTextResponse returns an ok response whose markdown text is format
// formatted with args.
func NewTextResponse(format string, args ...any) CallResponse {
	text := format
	if len(args) > 0 {
		text = fmt.Sprintf(format, args...)
	}
	return CallResponse{Type: CallResponseTypeOK, Text: text}
}

// NewDataResponse returns an ok response carrying data.
func NewDataResponse(data any) CallResponse {
	return CallResponse{Type: CallResponseTypeOK, Data: data}
}

// NewErrorResponse returns an error response whose text is err's message.
func NewErrorResponse(err error) CallResponse {
	text := "unknown error"
	if err != nil {
		text = err.Error()
	}
	return CallResponse{Type: CallResponseTypeError, Text: text}
}

// NewFormResponse returns a response that shows form.
func NewFormResponse(form *Form) CallResponse {
	return CallResponse{Type: CallResponseTypeForm, Form: form}
}

// NewNavigateResponse returns a response that sends the user to url.
func NewNavigateResponse(url string, external bool) CallResponse {
	return CallResponse{Type: CallResponseTypeNavigate, NavigateToURL: url, UseExternalBrowser: external}
}

// Normalize sets an empty type to ok and checks that the response is
// complete for its type: a form response needs a form, a navigate response
// a URL. Unknown types are an error.
func (r *CallResponse) Normalize() error {
	switch r.Type {
	case "":
		r.Type = CallResponseTypeOK
	case CallResponseTypeOK, CallResponseTypeError:
	case CallResponseTypeForm:
		if r.Form == nil {
			return errors.New("call response of type form has no form")
		}
	case CallResponseTypeNavigate:
		if r.NavigateToURL == "" {
			return errors.New("call response of type navigate has no navigate_to_url")
		}
	default:
		return fmt.Errorf("call response has unknown type %q: use ok, error, form or navigate", r.Type)
	}
	return nil
}

// AsError returns the response's text as an error if it is an error response,
// and nil otherwise.
func (r *CallResponse) AsError() error {
	if r.Type != CallResponseTypeError {
		return nil
	}
	if r.Text == "" {
		return errors.New("the app returned an error without a message")
	}
	return errors.New(r.Text)
}

// DecodeCallResponse decodes a CallResponse and normalizes it.
func DecodeCallResponse(data []byte) (*CallResponse, error) {
	var r CallResponse
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("decode call response: %w", err)
	}
	if err := r.Normalize(); err != nil {
		return nil, err
	}
	return &r, nil
}

// DecodeData decodes the response's Data into v (e.g. a *[]Binding).
func (r *CallResponse) DecodeData(v any) error {
	raw, ok := r.Data.(json.RawMessage)
	if !ok {
		var err error
		if raw, err = json.Marshal(r.Data); err != nil {
			return fmt.Errorf("encode call response data: %w", err)
		}
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("decode call response data: %w", err)
	}
	return nil
}

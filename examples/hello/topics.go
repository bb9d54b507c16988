package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/lambda-apps/lambda-apps/apps"
)

// topics are the choices of the pick command, looked up as the user types.
var topics = []apps.SelectOption{
	{Label: "Gardening", Value: "gardening"},
	{Label: "Go", Value: "go"},
	{Label: "Rust", Value: "rust"},
	{Label: "Running", Value: "running"},
	{Label: "Cooking", Value: "cooking"},
}

// pickFields are the fields of /hello pick: a topic looked up from the app
// (dynamic_select) and any number of other topics (multiselect).
func pickFields() []apps.Field {
	return []apps.Field{
		{Name: "topic", Type: apps.FieldTypeDynamicSelect, Label: "topic", ModalLabel: "Topic", Position: 1,
			Description: "What you would like to talk about", Lookup: apps.NewCall("/topics")},
		{Name: "also", Type: apps.FieldTypeStaticSelect, Label: "also", ModalLabel: "Also interested in",
			Multiselect: true, Options: topics},
	}
}

// lookupTopics answers the lookup of the topic field: the topics whose
// value or label starts with what the user typed.
func lookupTopics(_ context.Context, req request) apps.CallResponse {
	q := strings.ToLower(strings.TrimSpace(req.Query))
	items := []apps.SelectOption{} // [], not null, when nothing matches
	for _, t := range topics {
		if strings.HasPrefix(t.Value, q) || strings.HasPrefix(strings.ToLower(t.Label), q) {
			items = append(items, t)
		}
	}
	return apps.NewDataResponse(map[string]any{"items": items})
}

// pick answers /hello pick: without a topic it opens the pick form, with one
// it says what was picked.
func pick(_ context.Context, req request) apps.CallResponse {
	topic := valueString(req.Values["topic"])
	if topic == "" {
		return apps.NewFormResponse(&apps.Form{
			Title: "Pick a topic", Icon: "icon.png", Submit: apps.NewCall("/pick"), Fields: pickFields(),
		})
	}
	label, ok := topicLabel(topic)
	if !ok {
		return apps.CallResponse{Type: apps.CallResponseTypeError, Text: fmt.Sprintf("%q is not a topic.", topic),
			Data: map[string]any{"errors": map[string]string{"topic": "Pick one of the listed topics."}}}
	}
	text := fmt.Sprintf("You picked %s.", label)
	var also []string
	for _, v := range valueList(req.Values["also"]) {
		if l, ok := topicLabel(v); ok {
			also = append(also, l)
		}
	}
	if len(also) > 0 {
		text += " Also: " + strings.Join(also, ", ") + "."
	}
	return apps.CallResponse{Type: apps.CallResponseTypeOK, Text: text}
}

func topicLabel(value string) (string, bool) {
	for _, t := range topics {
		if strings.EqualFold(t.Value, value) {
			return t.Label, true
		}
	}
	return "", false
}

// valueList reads a multiselect value: a list of {"label","value"}.
func valueList(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, e := range list {
		out = append(out, valueString(e))
	}
	return out
}

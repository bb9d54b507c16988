package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/lambda-apps/lambda-apps/apps"
)

// ratings are the choices of the survey's rating field.
var ratings = []apps.SelectOption{
	{Label: "Great", Value: "great"},
	{Label: "Fine", Value: "fine"},
	{Label: "Not great", Value: "bad"},
}

// maxCommentLength bounds the survey comment.
const maxCommentLength = 500

// surveyForm opens the survey as a modal form.
func surveyForm(context.Context, request) apps.CallResponse {
	return apps.NewFormResponse(&apps.Form{
		Title:  "Quick survey",
		Header: "How is your day going?",
		Icon:   "icon.png",
		Submit: &apps.Call{Path: "/survey/submit", Expand: expandActingUser},
		Fields: []apps.Field{
			{Name: "comment", Type: apps.FieldTypeText, Subtype: apps.TextFieldSubtypeTextarea, Label: "comment", ModalLabel: "Comment",
				Hint: "A few words", IsRequired: true, MaxLength: maxCommentLength},
			{Name: "rating", Type: apps.FieldTypeStaticSelect, Label: "rating", ModalLabel: "Rating", IsRequired: true, Options: ratings},
			{Name: "subscribe", Type: apps.FieldTypeBool, Label: "subscribe", ModalLabel: "Keep me posted"},
		},
	})
}

// surveySubmit checks the survey values and summarises them, or answers
// field errors the form shows next to each field.
func surveySubmit(_ context.Context, req request) apps.CallResponse {
	comment := strings.TrimSpace(valueString(req.Values["comment"]))
	rating := valueString(req.Values["rating"])
	subscribe := valueString(req.Values["subscribe"]) == "true"

	problems := map[string]string{}
	switch {
	case comment == "":
		problems["comment"] = "Please write a comment."
	case len(comment) > maxCommentLength:
		problems["comment"] = fmt.Sprintf("Please keep it under %d characters.", maxCommentLength)
	}
	label, ok := ratingLabel(rating)
	if !ok {
		problems["rating"] = "Please pick a rating."
	}
	if len(problems) > 0 {
		return apps.CallResponse{Type: apps.CallResponseTypeError, Text: "Some answers are missing.", Data: map[string]any{"errors": problems}}
	}

	who := "you"
	if u := req.ActingUser; u != nil && u.Username != "" {
		who = "@" + u.Username
	}
	updates := "no updates"
	if subscribe {
		updates = "updates on"
	}
	return apps.NewTextResponse("Thanks, %s! Rating: %s, comment: %q, %s.", who, label, comment, updates)
}

// ratingLabel returns the label of a rating value.
func ratingLabel(value string) (string, bool) {
	for _, o := range ratings {
		if o.Value == value {
			return o.Label, true
		}
	}
	return "", false
}

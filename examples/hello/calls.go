package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// actingUser is the expansion every user-facing call asks for.
var actingUser = map[string]string{"acting_user": "summary"}

// bindings puts the app on the slash command, the channel header and the
// post menu.
func bindings(context.Context, CallRequest) CallResponse {
	greetCall := &Call{Path: "/greet", Expand: actingUser}
	return CallResponse{Type: TypeOK, Data: []Binding{
		{
			Location: "/command",
			Bindings: []Binding{{
				Label:       "hello",
				Description: "Say hello",
				Icon:        "icon.png",
				Bindings: []Binding{
					{
						Label:       "greet",
						Description: "Greets you",
						Form: &Form{
							Fields: []Field{{Name: "name", Type: FieldText, Label: "name", Position: 1}},
							Submit: greetCall,
						},
					},
					{Label: "survey", Description: "Opens a form", Submit: &Call{Path: "/survey/form"}},
					{
						Label:       "webhook",
						Description: "Shows the app's webhook URL (system admins)",
						Submit:      &Call{Path: "/webhook-url", Expand: map[string]string{"app": "all", "acting_user": "all"}},
					},
					{
						Label:       "pick",
						Description: "Pick a topic",
						Form:        &Form{Fields: pickFields(), Submit: &Call{Path: "/pick"}},
					},
				},
			}},
		},
		{
			Location: "/channel_header",
			Bindings: []Binding{
				{Location: "send", Label: "Say hello", Icon: "icon.png", Submit: greetCall},
				{Location: "pick", Label: "Pick a topic", Icon: "icon.png", Submit: &Call{Path: "/pick"}},
			},
		},
		{
			Location: "/post_menu",
			Bindings: []Binding{{Location: "echo", Label: "Echo post", Submit: &Call{Path: "/echo", Expand: map[string]string{"post": "summary"}}}},
		},
	}}
}

// install runs once when an admin installs the app.
func install(_ context.Context, req CallRequest) CallResponse {
	who := "an admin"
	if u := req.Context.ActingUser; u != nil && u.Username != "" {
		who = "@" + u.Username
	}
	return CallResponse{Type: TypeOK, Text: fmt.Sprintf("Hello Lambda was installed by %s. Try `/hello greet`, `/hello survey` or `/hello pick`.", who)}
}

// greet says hello to the name given, or to the acting user.
func greet(_ context.Context, req CallRequest) CallResponse {
	name := strings.TrimSpace(valueString(req.Values["name"]))
	if name == "" && req.Context.ActingUser != nil {
		name = req.Context.ActingUser.Username
	}
	if name == "" {
		name = "stranger"
	}
	return CallResponse{Type: TypeOK, Text: fmt.Sprintf("Hello, %s!", name)}
}

// echo quotes the post the menu item was used on.
func echo(_ context.Context, req CallRequest) CallResponse {
	if req.Context.Post == nil {
		return errorResponse("There is no post to echo: the call did not expand the post.")
	}
	lines := strings.Split(req.Context.Post.Message, "\n")
	for i, l := range lines {
		lines[i] = "> " + l
	}
	return CallResponse{Type: TypeOK, Text: strings.Join(lines, "\n")}
}

// fail answers an error, as an app does when a call cannot be done.
func fail(context.Context, CallRequest) CallResponse {
	return errorResponse("This call fails on purpose.")
}

// crash ends the process, as a crashing app would; for runtime tests.
func crash(context.Context, CallRequest) CallResponse {
	os.Exit(2)
	return CallResponse{}
}

// defaultSlowSeconds is longer than any sensible function timeout.
const defaultSlowSeconds = 120

// slow sleeps for the "seconds" value (default 120), ignoring the deadline
// like a stuck app; for timeout tests.
func slow(_ context.Context, req CallRequest) CallResponse {
	seconds, err := strconv.ParseFloat(valueString(req.Values["seconds"]), 64)
	if err != nil || seconds < 0 {
		seconds = defaultSlowSeconds
	}
	time.Sleep(time.Duration(seconds * float64(time.Second)))
	return CallResponse{Type: TypeOK, Text: fmt.Sprintf("Slept %g seconds.", seconds)}
}

// valueString reads a form value: a string, a number, a bool, or the value
// of a selected option ({"label":...,"value":...}).
func valueString(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(t)
	case map[string]any:
		return valueString(t["value"])
	default:
		return fmt.Sprint(t)
	}
}

package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/lambda-apps/lambda-apps/apps"
)

// expandActingUser is the expansion every user-facing call asks for.
var expandActingUser = &apps.Expand{ActingUser: apps.ExpandSummary}

// maxBindingsWait bounds how long a bindings call's state may ask to wait.
const maxBindingsWait = 5 * time.Second

// bindings puts the app on the slash command, the channel header, the post
// menu and the App Bar. When the manifest's bindings call has a state
// {"wait_ms": N}, it first waits N ms (at most 5 s), as an app does that
// asks its own service which bindings a user gets (benchmarks of many apps
// whose bindings wait on the network rather than the CPU).
func bindings(ctx context.Context, req request) apps.CallResponse {
	if st, ok := req.State.(map[string]any); ok {
		if ms, ok := st["wait_ms"].(float64); ok && ms > 0 {
			wait := min(time.Duration(ms*float64(time.Millisecond)), maxBindingsWait)
			select {
			case <-time.After(wait):
			case <-ctx.Done():
			}
		}
	}
	greetCall := &apps.Call{Path: "/greet", Expand: expandActingUser}
	return apps.NewDataResponse([]apps.Binding{
		{
			Location: apps.LocationCommand,
			Bindings: []apps.Binding{{
				Label:       "hello",
				Description: "Say hello",
				Icon:        "icon.png",
				Bindings: []apps.Binding{
					{
						Label:       "greet",
						Description: "Greets you",
						Form: &apps.Form{
							Fields: []apps.Field{{Name: "name", Type: apps.FieldTypeText, Label: "name", Position: 1}},
							Submit: greetCall,
						},
					},
					{Label: "survey", Description: "Opens a form", Submit: apps.NewCall("/survey/form")},
					{
						Label:       "webhook",
						Description: "Shows the app's webhook URL (system admins)",
						Submit:      &apps.Call{Path: "/webhook-url", Expand: &apps.Expand{App: apps.ExpandAll, ActingUser: apps.ExpandAll}},
					},
					{
						Label:       "pick",
						Description: "Pick a topic",
						Form:        &apps.Form{Fields: pickFields(), Submit: apps.NewCall("/pick")},
					},
					{Label: "alert", Description: "Posts an alert with buttons (add the app's bot to the channel first)", Submit: apps.NewCall("/alert")},
				},
			}},
		},
		{
			Location: apps.LocationChannelHeader,
			Bindings: []apps.Binding{
				{Location: "send", Label: "Say hello", Icon: "icon.png", Submit: greetCall},
				{Location: "pick", Label: "Pick a topic", Icon: "icon.png", Submit: apps.NewCall("/pick")},
			},
		},
		{
			Location: apps.LocationPostMenu,
			Bindings: []apps.Binding{{Location: "echo", Label: "Echo post", Submit: &apps.Call{Path: "/echo", Expand: &apps.Expand{Post: apps.ExpandSummary}}}},
		},
		{
			Location: apps.LocationAppBar,
			Bindings: []apps.Binding{{Location: "hello", Label: "Hello Lambda", Icon: "icon.png", Submit: greetCall}},
		},
	})
}

// ping answers the plugin's install check.
func ping(context.Context, request) apps.CallResponse {
	return apps.CallResponse{Type: apps.CallResponseTypeOK}
}

// install runs once when an admin installs the app.
func install(_ context.Context, req request) apps.CallResponse {
	who := "an admin"
	if u := req.ActingUser; u != nil && u.Username != "" {
		who = "@" + u.Username
	}
	return apps.NewTextResponse("Hello Lambda was installed by %s. Try `/hello greet`, `/hello survey` or `/hello pick`.", who)
}

// greet says hello to the name given, or to the acting user.
func greet(_ context.Context, req request) apps.CallResponse {
	name := strings.TrimSpace(valueString(req.Values["name"]))
	if name == "" && req.ActingUser != nil {
		name = req.ActingUser.Username
	}
	if name == "" {
		name = "stranger"
	}
	return apps.NewTextResponse("Hello, %s!", name)
}

// echo quotes the post the menu item was used on.
func echo(_ context.Context, req request) apps.CallResponse {
	if req.Post == nil {
		return errorResponse("There is no post to echo: the call did not expand the post.")
	}
	lines := strings.Split(req.Post.Message, "\n")
	for i, l := range lines {
		lines[i] = "> " + l
	}
	return apps.CallResponse{Type: apps.CallResponseTypeOK, Text: strings.Join(lines, "\n")}
}

// fail answers an error, as an app does when a call cannot be done.
func fail(context.Context, request) apps.CallResponse {
	return errorResponse("This call fails on purpose.")
}

// crash ends the process, as a crashing app would; for runtime tests.
func crash(context.Context, request) apps.CallResponse {
	os.Exit(2)
	return apps.CallResponse{}
}

// defaultSlowSeconds is longer than any sensible function timeout.
const defaultSlowSeconds = 120

// slow sleeps for the "seconds" value (default 120), ignoring the deadline
// like a stuck app; for timeout tests.
func slow(_ context.Context, req request) apps.CallResponse {
	seconds, err := strconv.ParseFloat(valueString(req.Values["seconds"]), 64)
	if err != nil || seconds < 0 {
		seconds = defaultSlowSeconds
	}
	time.Sleep(time.Duration(seconds * float64(time.Second)))
	return apps.NewTextResponse("Slept %g seconds.", seconds)
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

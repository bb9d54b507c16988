// Package postbindings renders the in-post bindings that apps put into their
// posts (the "app_bindings" prop) as interactive message attachments, which
// every Mattermost client shows (web, desktop and mobile, with or without
// the Apps feature flag), and handles the clicks on them.
//
// Who may author in-post bindings: only the app's own bot. A post carrying
// app_bindings gets attachments only when its author is the bot account of
// an installed, enabled app that was granted the /in_post location, and
// only for the bindings of that app (app_id empty or the app's own). A post
// by anyone else keeps its props untouched but gets no attachments, so a
// user cannot make buttons that call an app in its name. (The Apps framework
// v1.2 left rendering to the clients; its sample app even posted in-post
// bindings as the acting user. Rendering server-side makes the author check
// necessary, since the buttons run calls as whoever clicks them.)
//
// The original app_bindings stay in the post, so a client that renders them
// natively still can.
package postbindings

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/apps"
)

// PropAppBindings is the post prop that carries in-post bindings.
const PropAppBindings = "app_bindings"

// PropRendered counts the attachments this plugin appended to a post (at
// the end of its "attachments"), so that an edit replaces them instead of
// adding more. A client-sent value is never trusted for a new post.
const PropRendered = "lambda_apps_rendered"

// Limits of what one post renders: more bindings are dropped (and logged),
// longer texts are cut.
const (
	MaxAttachments  = 10   // top-level bindings per post
	MaxActions      = 10   // buttons and selects per attachment
	MaxOptions      = 100  // options per select
	MaxLabelRunes   = 80   // button, select and option labels
	MaxTitleRunes   = 256  // attachment titles
	MaxTextRunes    = 3000 // attachment texts (descriptions)
	maxLocationRune = 64
)

// Problem is a binding that was not rendered, and why.
type Problem struct {
	Location string
	Reason   string
}

// Action is what a rendered button or select stands for: the binding at
// Location ("alert/ack" under /in_post) of the app, and a digest of that
// binding, so that a click is refused if the post's bindings changed.
type Action struct {
	AppID    apps.AppID `json:"a"`
	Location string     `json:"l"`
	Digest   string     `json:"d"`
	// PostID is set when the post ID was known at rendering (edits); new
	// posts get their ID only after the hooks ran.
	PostID string `json:"p,omitempty"`
}

// App is what rendering shows of the app: its ID, name and icon.
type App struct {
	ID   apps.AppID
	Name string
	Icon string
}

// Rendered is the outcome of rendering one post's bindings.
type Rendered struct {
	Attachments []*model.MessageAttachment
	Problems    []Problem
}

// Renderer turns bindings into attachments.
type Renderer struct {
	// ActionURL is where the server sends clicks (a /plugins/... path).
	ActionURL string
	// Seal signs an action for the attachment's integration context.
	Seal func(Action) (string, error)
	// IconURL turns a binding's icon into an absolute URL ("" drops it).
	IconURL func(app apps.AppID, icon string) string
}

// Render converts the in-post bindings of app (raw, as found in the post's
// props) into attachments: one per top-level binding (label as title,
// description as text, icon as thumbnail), a button per child binding
// without children and a static select per child binding with children
// (its options). Deeper nesting, bindings of other apps and anything over
// the limits are left out and reported.
func (r *Renderer) Render(app App, postID string, bindings []apps.Binding) Rendered {
	appID, appName := app.ID, app.Name
	var out Rendered
	seen := map[string]bool{}
	for i, top := range bindings {
		loc := locationOf(top)
		switch {
		case top.AppID != "" && top.AppID != appID:
			out.problem(loc, "binding of another app (%s)", top.AppID)
			continue
		case !validSegment(loc):
			out.problem(fmt.Sprint(i), "top-level binding needs a location or label of one path segment")
			continue
		case seen[loc]:
			out.problem(loc, "duplicate location")
			continue
		case len(out.Attachments) >= MaxAttachments:
			out.problem(loc, "more than %d bindings in one post", MaxAttachments)
			continue
		}
		seen[loc] = true
		a := &model.MessageAttachment{
			Fallback:   clip(cmp.Or(top.Label, top.Description, appName), MaxTitleRunes),
			AuthorName: appName,
			AuthorIcon: r.IconURL(appID, app.Icon),
			Title:      clip(top.Label, MaxTitleRunes),
			Text:       clip(top.Description, MaxTextRunes),
			ThumbURL:   r.IconURL(appID, top.Icon),
		}
		a.Actions = r.actions(&out, appID, postID, loc, top.Bindings)
		out.Attachments = append(out.Attachments, a)
	}
	return out
}

func (out *Rendered) problem(loc, format string, args ...any) {
	out.Problems = append(out.Problems, Problem{Location: loc, Reason: fmt.Sprintf(format, args...)})
}

// actions renders the children of the top-level binding at loc.
func (r *Renderer) actions(out *Rendered, appID apps.AppID, postID, loc string, children []apps.Binding) []*model.PostAction {
	var actions []*model.PostAction
	seen := map[string]bool{}
	for _, b := range children {
		sub := locationOf(b)
		full := loc + "/" + sub
		switch {
		case !validSegment(sub):
			out.problem(loc, "binding needs a location or label of one path segment")
			continue
		case seen[sub]:
			out.problem(full, "duplicate location")
			continue
		case len(actions) >= MaxActions:
			out.problem(full, "more than %d buttons and selects in one binding", MaxActions)
			continue
		}
		action := &model.PostAction{
			Id:   actionID(len(actions), sub),
			Name: clip(cmp.Or(b.Label, b.Hint, sub), MaxLabelRunes),
		}
		if len(b.Bindings) == 0 {
			if !hasTarget(b) {
				out.problem(full, "button needs a submit call or a form")
				continue
			}
			action.Type = model.PostActionTypeButton
		} else {
			action.Type = model.PostActionTypeSelect
			action.Options = r.options(out, full, b)
			if len(action.Options) == 0 {
				out.problem(full, "select has no usable options")
				continue
			}
		}
		sealed, err := r.Seal(Action{AppID: appID, Location: full, Digest: Digest(b), PostID: postID})
		if err != nil {
			out.problem(full, "cannot sign the action: %v", err)
			continue
		}
		action.Integration = &model.PostActionIntegration{URL: r.ActionURL, Context: map[string]any{ContextKey: sealed}}
		seen[sub] = true
		actions = append(actions, action)
	}
	return actions
}

// options renders a select's children as its options: the value is the
// option's location, which the click names. An option needs a submit call
// or a form, its own or the select's.
func (r *Renderer) options(out *Rendered, loc string, sel apps.Binding) []*model.PostActionOptions {
	var opts []*model.PostActionOptions
	seen := map[string]bool{}
	for _, o := range sel.Bindings {
		sub := locationOf(o)
		switch {
		case !validSegment(sub):
			out.problem(loc, "option needs a location or label of one path segment")
			continue
		case seen[sub]:
			out.problem(loc+"/"+sub, "duplicate option")
			continue
		case len(o.Bindings) > 0:
			out.problem(loc+"/"+sub, "options cannot have sub-bindings (nested too deeply)")
			continue
		case !hasTarget(o) && !hasTarget(sel):
			out.problem(loc+"/"+sub, "option needs a submit call or a form (its own or the select's)")
			continue
		case len(opts) >= MaxOptions:
			out.problem(loc+"/"+sub, "more than %d options", MaxOptions)
			continue
		}
		seen[sub] = true
		opts = append(opts, &model.PostActionOptions{Text: clip(cmp.Or(o.Label, sub), MaxLabelRunes), Value: sub})
	}
	return opts
}

// ContextKey is the key of the sealed action in an attachment action's
// integration context.
const ContextKey = "lambda_apps_action"

func hasTarget(b apps.Binding) bool {
	return (b.Submit != nil && b.Submit.Path != "") || b.Form != nil
}

// locationOf is a binding's location segment: its location, or its label.
func locationOf(b apps.Binding) string {
	return strings.Trim(strings.TrimSpace(cmp.Or(string(b.Location), b.Label)), "/")
}

func validSegment(s string) bool {
	return s != "" && utf8.RuneCountInString(s) <= maxLocationRune && !strings.ContainsAny(s, "/ \t\n")
}

// actionID is an action ID the server's route accepts ([A-Za-z0-9]+),
// unique in the attachment and stable for the same binding.
func actionID(i int, loc string) string {
	sum := sha256.Sum256([]byte(loc))
	return fmt.Sprintf("lapp%d%s", i, hex.EncodeToString(sum[:4]))
}

// Digest identifies a binding's content (what it calls, its form, its
// options), so that a click on an attachment rendered from other bindings
// than the post now holds is refused.
func Digest(b apps.Binding) string {
	data, err := json.Marshal(b)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:16])
}

// clip cuts s to n characters, marking the cut with an ellipsis.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Decode reads the app_bindings prop of a post (as the server hands it to
// plugins: decoded JSON, or typed bindings).
func Decode(prop any) ([]apps.Binding, error) {
	if prop == nil {
		return nil, nil
	}
	data, err := json.Marshal(prop)
	if err != nil {
		return nil, fmt.Errorf("read the post's %s: %w", PropAppBindings, err)
	}
	var out []apps.Binding
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("the post's %s is not a list of bindings: %w", PropAppBindings, err)
	}
	return out, nil
}

// Find returns the binding at loc ("top/child" or "top/select") among the
// bindings of appID in a post, as Render named it.
func Find(bindings []apps.Binding, appID apps.AppID, loc string) (top, child apps.Binding, ok bool) {
	topLoc, childLoc, found := strings.Cut(loc, "/")
	if !found {
		return apps.Binding{}, apps.Binding{}, false
	}
	for _, t := range bindings {
		if locationOf(t) != topLoc || (t.AppID != "" && t.AppID != appID) {
			continue
		}
		for _, c := range t.Bindings {
			if locationOf(c) == childLoc {
				return t, c, true
			}
		}
		return apps.Binding{}, apps.Binding{}, false // the first top binding of a location is the rendered one
	}
	return apps.Binding{}, apps.Binding{}, false
}

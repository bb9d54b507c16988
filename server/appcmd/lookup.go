package appcmd

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/bindings"
	"github.com/lambda-apps/lambda-apps/server/dialog"
	"github.com/lambda-apps/lambda-apps/server/failure"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// Limits of lookups (the choices of dynamic_select fields).
const (
	// MaxDialogOptions bounds the choices a dialog select shows: the
	// dialog has no search call, so a lookup fills it once when it opens.
	MaxDialogOptions = 200
	// MaxSuggestions bounds the autocomplete suggestions of one argument.
	MaxSuggestions = 25
	// dialogLookupTimeout bounds the lookups made before a dialog opens:
	// the user waits for them after running the command.
	dialogLookupTimeout = 10 * time.Second
)

// lookupTarget says where a lookup is made from: the app, the user and
// where they are.
type lookupTarget struct {
	app    *store.InstalledApp
	userID string
	where  dialog.Where
}

// lookup calls a dynamic_select field's lookup and returns the choices the
// app answers: {"type":"ok","data":{"items":[{"label","value"}]}}.
func (s *Service) lookup(ctx context.Context, t lookupTarget, call apps.Call, field string, values map[string]any, query string) ([]apps.SelectOption, error) {
	creq := &apps.CallRequest{
		Call:          call,
		Values:        values,
		SelectedField: field,
		Query:         query,
		Context: apps.Context{
			AppID: t.app.ID(), Location: t.where.Location, UserAgent: "command", UserID: t.userID,
			ChannelID: t.where.ChannelID, TeamID: t.where.TeamID, RootPostID: t.where.RootPostID, PostID: t.where.PostID,
		},
	}
	resp, err := s.Calls.UserCall(ctx, t.userID, creq)
	if err != nil {
		return nil, err
	}
	return lookupItems(resp)
}

// lookupItems reads the choices of a lookup answer. Items without a value
// are dropped; a missing label is the value.
func lookupItems(resp *apps.CallResponse) ([]apps.SelectOption, error) {
	if resp.Type == apps.CallResponseTypeError {
		return nil, errors.New(cmp.Or(resp.Text, "the app reported an error"))
	}
	if resp.Type != apps.CallResponseTypeOK {
		return nil, fmt.Errorf("the app answered a lookup with %q instead of a list of items", resp.Type)
	}
	if resp.Data == nil {
		return nil, nil
	}
	var data struct {
		Items []apps.SelectOption `json:"items"`
	}
	if err := resp.DecodeData(&data); err != nil {
		return nil, errors.New(`the app's lookup answer is not {"items":[{"label","value"}]}`)
	}
	out := data.Items[:0]
	for _, it := range data.Items {
		if it.Value == "" {
			continue
		}
		it.Label = cmp.Or(it.Label, it.Value)
		out = append(out, it)
	}
	return out, nil
}

// withLookupChoices returns the form with the choices of its dynamic_select
// fields looked up, for a dialog (which cannot call back while the user
// types). Lookups run in parallel; a field whose lookup fails stays free
// text and its description says why. Only a field's own lookup call is
// used, never the form's submit call: an app could take that for a
// submission.
func (s *Service) withLookupChoices(ctx context.Context, t lookupTarget, form *apps.Form) *apps.Form {
	var todo []int
	for i, f := range form.Fields {
		if f.Type == apps.FieldTypeDynamicSelect && !f.ReadOnly && len(f.Options) == 0 && f.Lookup != nil {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return form
	}
	out := *form
	out.Fields = append([]apps.Field(nil), form.Fields...)
	defaults := defaultValues(form)
	ctx, cancel := context.WithTimeout(ctx, dialogLookupTimeout)
	defer cancel()
	var wg sync.WaitGroup
	for _, i := range todo {
		wg.Add(1)
		go func(f *apps.Field) {
			defer wg.Done()
			items, err := s.lookup(ctx, t, *f.Lookup, f.Name, defaults, "")
			if err != nil {
				s.Log.Warn("Could not look up the choices of a form field", "app_id", string(t.app.ID()), "field", f.Name, "error", err.Error())
				f.Description = strings.TrimSpace(f.Description + " (The choices could not be loaded: " + failure.Message(err) + " Type a value instead.)")
				return
			}
			if len(items) > MaxDialogOptions {
				items = items[:MaxDialogOptions]
			}
			f.Options = items
		}(&out.Fields[i])
	}
	wg.Wait()
	return &out
}

// defaultValues are the values a form starts with, sent with its lookups.
func defaultValues(form *apps.Form) map[string]any {
	values := map[string]any{}
	for _, f := range form.Fields {
		if f.Value != nil {
			values[f.Name] = f.Value
		}
	}
	return values
}

// suggestToken names the dynamic_select argument of an app command that an
// autocomplete request is for. It travels in the request's URL path as
// base64url JSON, which survives the server's URL rewriting whatever the
// labels contain.
type suggestToken struct {
	AppID   apps.AppID `json:"a"`
	Command []string   `json:"c"` // trigger, then sub-command labels
	Field   string     `json:"f"`
}

func (t suggestToken) encode() string {
	b, _ := json.Marshal(t) // strings only: cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeSuggestToken(s string) (suggestToken, error) {
	var t suggestToken
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &t)
	}
	if err != nil || t.AppID == "" || len(t.Command) == 0 || t.Field == "" {
		return suggestToken{}, errors.New("not an app command argument")
	}
	return t, nil
}

// SuggestRequest is a dynamic autocomplete request from the server for an
// app command's dynamic_select argument.
type SuggestRequest struct {
	UserID, ChannelID, TeamID, RootID string
	// Token is the last segment of the argument's fetch URL.
	Token string
	// UserInput is the whole command typed so far; Parsed the part the
	// server has matched already. The rest is what the user is typing.
	UserInput, Parsed string
}

// Suggest looks up the choices of an app command's dynamic_select argument
// while the user types it.
func (s *Service) Suggest(ctx context.Context, r SuggestRequest) ([]model.AutocompleteListItem, error) {
	tok, err := decodeSuggestToken(r.Token)
	if err != nil {
		return nil, err
	}
	app, err := s.Apps.Get(tok.AppID)
	if err != nil || !app.Enabled() {
		return nil, fmt.Errorf("the app %s is not installed and enabled", tok.AppID)
	}
	top, _, err := s.Bindings.ForApp(ctx, app, bindings.Where{UserID: r.UserID, ChannelID: r.ChannelID, TeamID: r.TeamID, UserAgent: "command"})
	if err != nil {
		return nil, err
	}
	b, ok := commandBinding(top, tok.Command[0])
	loc := apps.LocationCommand.Sub(b.Location)
	for _, label := range tok.Command[1:] {
		if !ok {
			break
		}
		b, ok = findSub(b.Bindings, label)
		loc = loc.Sub(b.Location)
	}
	if !ok || b.Form == nil {
		return nil, fmt.Errorf("the app no longer offers /%s", strings.Join(tok.Command, " "))
	}
	var field *apps.Field
	for i, f := range b.Form.Fields {
		if f.Name == tok.Field && f.Type == apps.FieldTypeDynamicSelect && f.Lookup != nil {
			field = &b.Form.Fields[i]
		}
	}
	if field == nil {
		return nil, fmt.Errorf("/%s has no field %s to look up", strings.Join(tok.Command, " "), tok.Field)
	}
	where := dialog.Where{AppID: app.ID(), Location: loc, ChannelID: r.ChannelID, TeamID: r.TeamID, RootPostID: r.RootID}
	items, err := s.lookup(ctx, lookupTarget{app: app, userID: r.UserID, where: where}, *field.Lookup, field.Name, defaultValues(b.Form), typedWord(r.UserInput, r.Parsed))
	if err != nil {
		return nil, err
	}
	out := make([]model.AutocompleteListItem, 0, min(len(items), MaxSuggestions))
	for _, it := range items[:min(len(items), MaxSuggestions)] {
		item := model.AutocompleteListItem{Item: it.Value}
		if it.Label != it.Value {
			item.Hint = it.Label
		}
		out = append(out, item)
	}
	return out, nil
}

// typedWord is the argument's word in what follows the parsed part of the
// input: up to the next space, or inside quotes. The server autocompletes
// the arguments after it only once the lookup offers that word.
func typedWord(input, parsed string) string {
	rest := strings.TrimLeft(strings.TrimPrefix(input, parsed), " ")
	if rest != "" && (rest[0] == '"' || rest[0] == '\'') {
		word, _, _ := strings.Cut(rest[1:], rest[:1])
		return word
	}
	word, _, _ := strings.Cut(rest, " ")
	return word
}

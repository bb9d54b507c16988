package appcmd

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/pluginapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/dialog"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// routeCaller answers each call path with its own function, safely from
// parallel lookups.
type routeCaller struct {
	mu     sync.Mutex
	routes map[string]func(*apps.CallRequest) (*apps.CallResponse, error)
	calls  []*apps.CallRequest
}

func (r *routeCaller) UserCall(_ context.Context, _ string, creq *apps.CallRequest) (*apps.CallResponse, error) {
	r.mu.Lock()
	r.calls = append(r.calls, creq)
	h := r.routes[creq.Path]
	r.mu.Unlock()
	if h == nil {
		return nil, errors.New("no route " + creq.Path)
	}
	return h(creq)
}

func (r *routeCaller) byPath(path string) []*apps.CallRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*apps.CallRequest
	for _, c := range r.calls {
		if c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

var topicItems = []apps.SelectOption{{Label: "Gardening", Value: "gardening"}, {Label: "Go", Value: "go"}, {Label: "Rust", Value: "rust"}}

// topicLookup answers like the sample app: items whose value starts with
// the query.
func topicLookup(creq *apps.CallRequest) (*apps.CallResponse, error) {
	var items []apps.SelectOption
	for _, it := range topicItems {
		if strings.HasPrefix(it.Value, creq.Query) {
			items = append(items, it)
		}
	}
	return &apps.CallResponse{Type: apps.CallResponseTypeOK, Data: map[string]any{"items": items}}, nil
}

func pickBinding() apps.Binding {
	return apps.Binding{Label: "hello", Location: "hello", Bindings: []apps.Binding{{
		Label: "pick", Location: "pick",
		Form: &apps.Form{Submit: apps.NewCall("/pick"), Fields: []apps.Field{
			{Name: "topic", Type: apps.FieldTypeDynamicSelect, Label: "topic", Position: 1, Lookup: apps.NewCall("/topics")},
			{Name: "other", Type: apps.FieldTypeDynamicSelect, Label: "other", Lookup: apps.NewCall("/other")},
			{Name: "free", Type: apps.FieldTypeDynamicSelect, Label: "free"}, // no lookup: free text, the submit call is never used
			{Name: "also", Type: apps.FieldTypeStaticSelect, Label: "also", Multiselect: true, Options: topicItems},
		}},
	}}}
}

func newLookupFixture(t *testing.T) (*Service, *routeCaller, *fakeMM) {
	t.Helper()
	caller := &routeCaller{routes: map[string]func(*apps.CallRequest) (*apps.CallResponse, error){"/topics": topicLookup}}
	mm := newFakeMM()
	st := store.NewApps(&pluginapi.MemoryStore{}, nil)
	require.NoError(t, st.Put(&store.InstalledApp{Manifest: apps.Manifest{AppID: "hello", DisplayName: "Hello"}, BotUserID: "bot",
		GrantedLocations: []apps.Location{apps.LocationCommand}}))
	binds := &fakeBindings{byApp: map[apps.AppID][]apps.Binding{"hello": {{Location: apps.LocationCommand, Bindings: []apps.Binding{pickBinding()}}}}}
	svc := New(Deps{Apps: st, Bindings: binds, Calls: caller, API: mm, Log: nopLog{}, Sealer: testSealer(),
		DialogURL: "/plugins/lambda-apps/api/v1/dialog", LookupURL: "/plugins/lambda-apps/api/v1/lookup"})
	return svc, caller, mm
}

func TestLookupItems(t *testing.T) {
	tests := []struct {
		name    string
		resp    apps.CallResponse
		want    []apps.SelectOption
		wantErr string
	}{
		{"items", apps.CallResponse{Type: apps.CallResponseTypeOK, Data: json.RawMessage(`{"items":[{"label":"A","value":"a"},{"value":"b"},{"label":"no value"}]}`)},
			[]apps.SelectOption{{Label: "A", Value: "a"}, {Label: "b", Value: "b"}}, ""},
		{"no data", apps.CallResponse{Type: apps.CallResponseTypeOK}, nil, ""},
		{"not items", apps.CallResponse{Type: apps.CallResponseTypeOK, Data: json.RawMessage(`[1,2]`)}, nil, `not {"items"`},
		{"error", apps.CallResponse{Type: apps.CallResponseTypeError, Text: "backend down"}, nil, "backend down"},
		{"form", apps.CallResponse{Type: apps.CallResponseTypeForm}, nil, `answered a lookup with "form"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := lookupItems(&tt.resp)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestDialogLooksUpChoicesBeforeOpening(t *testing.T) {
	svc, caller, mm := newLookupFixture(t)
	caller.routes["/pick"] = func(*apps.CallRequest) (*apps.CallResponse, error) {
		return &apps.CallResponse{Type: apps.CallResponseTypeForm, Form: pickBinding().Bindings[0].Form}, nil
	}
	caller.routes["/other"] = func(*apps.CallRequest) (*apps.CallResponse, error) { return nil, errors.New("lambda down") }
	_, _ = svc.SyncApp(context.Background(), "hello")
	svc.Execute(context.Background(), &model.CommandArgs{UserId: "u1", ChannelId: "c1", TeamId: "t1", TriggerId: "trig", Command: "/hello pick"})
	require.Len(t, mm.dialogs, 1, "posts: %v", mm.posts)
	d := mm.dialogs[0].Dialog
	byName := map[string]model.DialogElement{}
	for _, el := range d.Elements {
		byName[el.Name] = el
	}

	topic := byName["topic"]
	assert.Equal(t, "select", topic.Type, "looked-up choices make a select")
	require.Len(t, topic.Options, 3)
	assert.Equal(t, model.PostActionOptions{Text: "Gardening", Value: "gardening"}, *topic.Options[0])
	lookups := caller.byPath("/topics")
	require.Len(t, lookups, 1)
	assert.Equal(t, "topic", lookups[0].SelectedField)
	assert.Equal(t, "", lookups[0].Query)
	assert.Equal(t, apps.Location("/command/hello/pick"), lookups[0].Context.Location)
	assert.Equal(t, "c1", lookups[0].Context.ChannelID)

	other := byName["other"]
	assert.Equal(t, "text", other.Type, "a failed lookup leaves free text")
	assert.Contains(t, other.HelpText, "The choices could not be loaded: lambda down")
	assert.Equal(t, "text", byName["free"].Type, "no lookup call: free text")
	assert.Len(t, caller.byPath("/pick"), 1, "the submit call is never used for lookups")

	also := byName["also"]
	assert.True(t, also.MultiSelect)

	// The submission: a looked-up value is labelled, free text becomes an
	// option, a multiselect a list (joined by the client or not).
	st, err := svc.Sealer.Open("u1", d.State)
	require.NoError(t, err)
	values, errs := dialog.SubmissionValues(st, map[string]any{"topic": "go", "other": "typed", "also": "rust,gardening"})
	assert.Empty(t, errs)
	assert.Equal(t, map[string]any{
		"topic": apps.SelectOption{Label: "Go", Value: "go"},
		"other": apps.SelectOption{Label: "typed", Value: "typed"},
		"also":  []apps.SelectOption{{Label: "Rust", Value: "rust"}, {Label: "Gardening", Value: "gardening"}},
	}, values)
	values, _ = dialog.SubmissionValues(st, map[string]any{"also": []any{"go"}})
	assert.Equal(t, map[string]any{"also": []apps.SelectOption{{Label: "Go", Value: "go"}}}, values)
}

func TestCommandAutocompleteLooksUpDynamicArguments(t *testing.T) {
	svc, caller, mm := newLookupFixture(t)
	_, _ = svc.SyncApp(context.Background(), "hello")
	cmd := mm.registered["hello"]
	require.NotNil(t, cmd)
	require.NoError(t, cmd.AutocompleteData.IsValid())
	pick := cmd.AutocompleteData.SubCommands[0]
	require.Len(t, pick.Arguments, 4)
	fetch := pick.Arguments[0].Data.(*model.AutocompleteDynamicListArg).FetchURL
	require.True(t, strings.HasPrefix(fetch, "/plugins/lambda-apps/api/v1/lookup/"), fetch)
	token := strings.TrimPrefix(fetch, "/plugins/lambda-apps/api/v1/lookup/")
	assert.Equal(t, token, url.PathEscape(token), "the token needs no escaping")
	assert.Equal(t, model.AutocompleteArgTypeDynamicList, pick.Arguments[1].Type, "named dynamic_select flag")
	assert.Equal(t, model.AutocompleteArgTypeText, pick.Arguments[2].Type, "a dynamic_select without lookup is typed")
	assert.Equal(t, model.AutocompleteArgTypeStaticList, pick.Arguments[3].Type)

	items, err := svc.Suggest(context.Background(), SuggestRequest{UserID: "u1", ChannelID: "c1", TeamID: "t1", Token: token,
		UserInput: "hello pick g", Parsed: "hello pick "})
	require.NoError(t, err)
	assert.Equal(t, []model.AutocompleteListItem{{Item: "gardening", Hint: "Gardening"}, {Item: "go", Hint: "Go"}}, items)
	lookups := caller.byPath("/topics")
	require.Len(t, lookups, 1)
	assert.Equal(t, "g", lookups[0].Query)
	assert.Equal(t, "topic", lookups[0].SelectedField)
	assert.Equal(t, "u1", lookups[0].Context.UserID)
	assert.Equal(t, apps.Location("/command/hello/pick"), lookups[0].Context.Location)

	// A named flag, typed in quotes.
	caller.routes["/other"] = topicLookup
	otherToken := strings.TrimPrefix(pick.Arguments[1].Data.(*model.AutocompleteDynamicListArg).FetchURL, "/plugins/lambda-apps/api/v1/lookup/")
	items, err = svc.Suggest(context.Background(), SuggestRequest{UserID: "u1", Token: otherToken, UserInput: `hello pick --other "r`, Parsed: "hello pick --other "})
	require.NoError(t, err)
	assert.Equal(t, []model.AutocompleteListItem{{Item: "rust", Hint: "Rust"}}, items)
	assert.Equal(t, "other", caller.byPath("/other")[0].SelectedField)
}

func TestSuggestRefusals(t *testing.T) {
	svc, caller, _ := newLookupFixture(t)
	tok := func(st suggestToken) string { return st.encode() }
	tests := []struct {
		name, token, wantErr string
	}{
		{"not a token", "%%%", "not an app command argument"},
		{"empty token", tok(suggestToken{}), "not an app command argument"},
		{"unknown app", tok(suggestToken{AppID: "nope", Command: []string{"hello", "pick"}, Field: "topic"}), "not installed and enabled"},
		{"unknown sub-command", tok(suggestToken{AppID: "hello", Command: []string{"hello", "drop"}, Field: "topic"}), "no longer offers /hello drop"},
		{"not a dynamic field", tok(suggestToken{AppID: "hello", Command: []string{"hello", "pick"}, Field: "also"}), "has no field also"},
		{"no lookup call", tok(suggestToken{AppID: "hello", Command: []string{"hello", "pick"}, Field: "free"}), "has no field free"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.Suggest(context.Background(), SuggestRequest{UserID: "u1", Token: tt.token})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
	assert.Empty(t, caller.calls, "refused lookups never reach the app")
}

func TestTypedWord(t *testing.T) {
	tests := []struct{ input, parsed, want string }{
		{"hello pick g", "hello pick ", "g"},
		{"hello pick   go", "hello pick ", "go"},
		{`hello pick --topic "ga`, "hello pick --topic ", "ga"},
		{"hello pick ", "hello pick ", ""},
		{"hello pick rust --also ", "hello pick ", "rust"},
		{`hello pick "garden club" --also `, "hello pick ", "garden club"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, typedWord(tt.input, tt.parsed), tt.input)
	}
}

func TestDialogSubmissionAnsweredByForm(t *testing.T) {
	svc, caller, _ := newLookupFixture(t)
	caller.routes["/pick"] = func(creq *apps.CallRequest) (*apps.CallResponse, error) {
		if creq.Values["topic"] == nil {
			return &apps.CallResponse{Type: apps.CallResponseTypeForm, Form: pickBinding().Bindings[0].Form}, nil
		}
		return &apps.CallResponse{Type: apps.CallResponseTypeOK, Text: "picked"}, nil
	}
	app, err := svc.Apps.Get("hello")
	require.NoError(t, err)
	d, err := svc.sealedDialog(app, "u1", dialog.Where{AppID: "hello", ChannelID: "c1", Location: "/command/hello/pick"}, pickBinding().Bindings[0].Form, "")
	require.NoError(t, err)
	req := &model.SubmitDialogRequest{State: d.State, ChannelId: "c1", TeamId: "t1", Submission: map[string]any{}}

	resp := svc.SubmitDialog(context.Background(), "u1", req)
	assert.Contains(t, resp.Error, "cannot show in the same dialog", "without client support the user is told")

	svc.DialogForms = func() bool { return true }
	resp = svc.SubmitDialog(context.Background(), "u1", req)
	require.Empty(t, resp.Error)
	require.Equal(t, "form", resp.Type)
	require.NotNil(t, resp.Form)
	require.NoError(t, resp.IsValid())
	assert.Len(t, resp.Form.Elements[0].Options, 3, "the next form's choices are looked up too")

	next := &model.SubmitDialogRequest{State: resp.Form.State, ChannelId: "c1", TeamId: "t1", Submission: map[string]any{"topic": "go"}}
	assert.Empty(t, svc.SubmitDialog(context.Background(), "u1", next).Error)
	last := caller.byPath("/pick")
	require.NotEmpty(t, last)
	assert.Equal(t, apps.SelectOption{Label: "Go", Value: "go"}, last[len(last)-1].Values["topic"])
	assert.Equal(t, apps.Location("/command/hello/pick"), last[len(last)-1].Context.Location)
}

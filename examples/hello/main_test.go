package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
)

// invoke runs the Lambda handler in-process, the way the runtime does: JSON
// event in, JSON response out.
func invoke(t *testing.T, ev Event) Response {
	t.Helper()
	payload, err := json.Marshal(ev)
	require.NoError(t, err)
	out, err := lambda.NewHandler(handle).Invoke(context.Background(), payload)
	require.NoError(t, err)
	var resp Response
	require.NoError(t, json.Unmarshal(out, &resp), "response %s", out)
	assert.Equal(t, "application/json", resp.Headers["Content-Type"])
	return resp
}

// call sends a CallRequest to path the way the plugin does and decodes the
// CallResponse.
func call(t *testing.T, path string, req apps.CallRequest) (int, apps.CallResponse, string) {
	t.Helper()
	req.Path = path
	body, err := json.Marshal(req)
	require.NoError(t, err)
	resp := invoke(t, Event{
		Path:       path,
		HTTPMethod: http.MethodPost,
		Headers:    map[string]string{"Content-Type": "application/json"},
		Body:       string(body),
	})
	var cr apps.CallResponse
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &cr), "body %s", resp.Body)
	return resp.StatusCode, cr, resp.Body
}

// expanded is an expanded context with the given Mattermost objects, in
// their JSON form as the plugin sends them.
func expanded(actingUser, app, post string) apps.ExpandedContext {
	raw := func(s string) json.RawMessage {
		if s == "" {
			return nil
		}
		return json.RawMessage(s)
	}
	return apps.ExpandedContext{ActingUser: raw(actingUser), App: raw(app), Post: raw(post)}
}

func withUser(values map[string]any) apps.CallRequest {
	return apps.CallRequest{
		Values: values,
		Context: apps.Context{AppID: "hello-lambda", UserID: "u1",
			ExpandedContext: expanded(`{"id":"u1","username":"alice"}`, "", "")},
	}
}

func TestCalls(t *testing.T) {
	tests := []struct {
		name     string
		path     string
		req      apps.CallRequest
		wantType apps.CallResponseType
		wantText string
	}{
		{"ping", "/ping", apps.CallRequest{}, apps.CallResponseTypeOK, ""},
		{"install names the admin", "/install", withUser(nil), apps.CallResponseTypeOK, "Hello Lambda was installed by @alice. Try `/hello greet`, `/hello survey` or `/hello pick`."},
		{"greet by name", "/greet", withUser(map[string]any{"name": " Bob "}), apps.CallResponseTypeOK, "Hello, Bob!"},
		{"greet the acting user", "/greet", withUser(nil), apps.CallResponseTypeOK, "Hello, alice!"},
		{"greet without context", "/greet", apps.CallRequest{}, apps.CallResponseTypeOK, "Hello, stranger!"},
		{"echo quotes the post", "/echo", apps.CallRequest{Context: apps.Context{ExpandedContext: expanded("", "", `{"id":"p1","message":"hi\nthere"}`)}}, apps.CallResponseTypeOK, "> hi\n> there"},
		{"echo without post", "/echo", apps.CallRequest{}, apps.CallResponseTypeError, "There is no post to echo: the call did not expand the post."},
		{"fail", "/fail", apps.CallRequest{}, apps.CallResponseTypeError, "This call fails on purpose."},
		{"slow for a moment", "/slow", apps.CallRequest{Values: map[string]any{"seconds": 0.01}}, apps.CallResponseTypeOK, "Slept 0.01 seconds."},
		{"slow with a string value", "/slow", apps.CallRequest{Values: map[string]any{"seconds": "0"}}, apps.CallResponseTypeOK, "Slept 0 seconds."},
		{"pick a topic", "/pick", apps.CallRequest{Values: map[string]any{"topic": map[string]any{"label": "go", "value": "go"}}}, apps.CallResponseTypeOK, "You picked Go."},
		{
			"pick a topic and others",
			"/pick",
			apps.CallRequest{Values: map[string]any{"topic": "rust", "also": []any{map[string]any{"value": "cooking"}, map[string]any{"value": "nope"}, map[string]any{"value": "go"}}}},
			apps.CallResponseTypeOK,
			"You picked Rust. Also: Cooking, Go.",
		},
		{"pick an unknown topic", "/pick", apps.CallRequest{Values: map[string]any{"topic": "knitting"}}, apps.CallResponseTypeError, `"knitting" is not a topic.`},
		{
			"survey submit",
			"/survey/submit",
			withUser(map[string]any{"comment": "All good", "rating": map[string]any{"label": "Great", "value": "great"}, "subscribe": true}),
			apps.CallResponseTypeOK,
			`Thanks, @alice! Rating: Great, comment: "All good", updates on.`,
		},
		{
			"survey submit with a plain rating value",
			"/survey/submit",
			apps.CallRequest{Values: map[string]any{"comment": "meh", "rating": "bad"}},
			apps.CallResponseTypeOK,
			`Thanks, you! Rating: Not great, comment: "meh", no updates.`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, resp, _ := call(t, tt.path, tt.req)
			assert.Equal(t, http.StatusOK, status)
			assert.Equal(t, tt.wantType, resp.Type)
			assert.Equal(t, tt.wantText, resp.Text)
		})
	}
}

func TestSurveyFieldErrors(t *testing.T) {
	tests := []struct {
		name   string
		values map[string]any
		want   map[string]string
	}{
		{"nothing filled in", nil, map[string]string{"comment": "Please write a comment.", "rating": "Please pick a rating."}},
		{"no rating", map[string]any{"comment": "ok"}, map[string]string{"rating": "Please pick a rating."}},
		{"unknown rating", map[string]any{"comment": "ok", "rating": "superb"}, map[string]string{"rating": "Please pick a rating."}},
		{"blank comment", map[string]any{"comment": "  ", "rating": "fine"}, map[string]string{"comment": "Please write a comment."}},
		{"comment too long", map[string]any{"comment": strings.Repeat("x", maxCommentLength+1), "rating": "fine"},
			map[string]string{"comment": "Please keep it under 500 characters."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := call(t, "/survey/submit", apps.CallRequest{Values: tt.values})
			assert.Equal(t, http.StatusOK, status)
			var resp struct {
				Type apps.CallResponseType
				Data struct{ Errors map[string]string }
			}
			require.NoError(t, json.Unmarshal([]byte(body), &resp))
			assert.Equal(t, apps.CallResponseTypeError, resp.Type)
			assert.Equal(t, tt.want, resp.Data.Errors)
		})
	}
}

func TestSurveyForm(t *testing.T) {
	_, resp, _ := call(t, "/survey/form", withUser(nil))
	require.Equal(t, apps.CallResponseTypeForm, resp.Type)
	require.NotNil(t, resp.Form)
	assert.NotEmpty(t, resp.Form.Title)
	assert.Equal(t, "/survey/submit", resp.Form.Submit.Path)
	assert.Equal(t, &apps.Expand{ActingUser: apps.ExpandSummary}, resp.Form.Submit.Expand)
	types := map[string]apps.FieldType{}
	for _, f := range resp.Form.Fields {
		types[f.Name] = f.Type
	}
	assert.Equal(t, map[string]apps.FieldType{"comment": apps.FieldTypeText, "rating": apps.FieldTypeStaticSelect, "subscribe": apps.FieldTypeBool}, types)
	assert.Len(t, resp.Form.Fields[1].Options, len(ratings))
}

func TestPickWithoutTopicOpensForm(t *testing.T) {
	_, resp, _ := call(t, "/pick", apps.CallRequest{})
	require.Equal(t, apps.CallResponseTypeForm, resp.Type)
	require.NotNil(t, resp.Form)
	assert.Equal(t, "/pick", resp.Form.Submit.Path)
	assert.Equal(t, pickFields(), resp.Form.Fields)
}

func TestLookupTopics(t *testing.T) {
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"gardening", "go", "rust", "running", "cooking"}},
		{"r", []string{"rust", "running"}},
		{"RU", []string{"rust", "running"}},
		{"gar", []string{"gardening"}},
		{"knit", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			_, _, body := call(t, "/topics", apps.CallRequest{Query: tt.query, SelectedField: "topic"})
			var resp struct {
				Type apps.CallResponseType
				Data struct{ Items []apps.SelectOption }
			}
			require.NoError(t, json.Unmarshal([]byte(body), &resp))
			assert.Equal(t, apps.CallResponseTypeOK, resp.Type)
			var got []string
			for _, it := range resp.Data.Items {
				got = append(got, it.Value)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestBindings(t *testing.T) {
	_, _, body := call(t, "/bindings", withUser(nil))
	want := `{"type":"ok","data":[
	  {"location":"/command","bindings":[{"label":"hello","description":"Say hello","icon":"icon.png","bindings":[
	    {"label":"greet","description":"Greets you","form":{"fields":[{"name":"name","type":"text","label":"name","position":1}],
	      "submit":{"path":"/greet","expand":{"acting_user":"summary"}}}},
	    {"label":"survey","description":"Opens a form","submit":{"path":"/survey/form"}},
	    {"label":"webhook","description":"Shows the app's webhook URL (system admins)",
	      "submit":{"path":"/webhook-url","expand":{"app":"all","acting_user":"all"}}},
	    {"label":"pick","description":"Pick a topic","form":{"submit":{"path":"/pick"},"fields":[
	      {"name":"topic","type":"dynamic_select","label":"topic","modal_label":"Topic","position":1,
	       "description":"What you would like to talk about","lookup":{"path":"/topics"}},
	      {"name":"also","type":"static_select","label":"also","modal_label":"Also interested in","multiselect":true,
	       "options":[{"label":"Gardening","value":"gardening"},{"label":"Go","value":"go"},{"label":"Rust","value":"rust"},
	                  {"label":"Running","value":"running"},{"label":"Cooking","value":"cooking"}]}]}},
	    {"label":"alert","description":"Posts an alert with buttons (add the app's bot to the channel first)","submit":{"path":"/alert"}}]}]},
	  {"location":"/channel_header","bindings":[{"location":"send","label":"Say hello","icon":"icon.png",
	    "submit":{"path":"/greet","expand":{"acting_user":"summary"}}},
	    {"location":"pick","label":"Pick a topic","icon":"icon.png","submit":{"path":"/pick"}}]},
	  {"location":"/post_menu","bindings":[{"location":"echo","label":"Echo post",
	    "submit":{"path":"/echo","expand":{"post":"summary"}}}]},
	  {"location":"/app_bar","bindings":[{"location":"hello","label":"Hello Lambda","icon":"icon.png",
	    "submit":{"path":"/greet","expand":{"acting_user":"summary"}}}]}]}`
	assert.JSONEq(t, want, body)
}

// TestBindingsWaitAsTheirStateSays: a bindings call whose state asks for a
// wait answers the same bindings after it (the wait is the behaviour under
// test, not a speed); other states do not wait.
func TestBindingsWaitAsTheirStateSays(t *testing.T) {
	_, _, plain := call(t, "/bindings", withUser(nil))
	for _, state := range []any{map[string]any{"wait_ms": 30}, map[string]any{"wait_ms": "30"}, "x", map[string]any{"wait_ms": -5}} {
		req := withUser(nil)
		req.State = state
		start := time.Now()
		_, _, body := call(t, "/bindings", req)
		assert.JSONEq(t, plain, body, "%v", state)
		if m, ok := state.(map[string]any); ok && m["wait_ms"] == 30 {
			assert.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond, "it waited")
		}
	}
}

func TestEventHandling(t *testing.T) {
	tests := []struct {
		name       string
		ev         Event
		wantStatus int
		wantType   apps.CallResponseType
	}{
		{"unknown path", Event{Path: "/nope", Body: `{}`}, http.StatusNotFound, apps.CallResponseTypeError},
		{"body is not JSON", Event{Path: "/ping", Body: `{`}, http.StatusBadRequest, apps.CallResponseTypeError},
		{"base64 body", Event{Path: "/greet", Body: base64.StdEncoding.EncodeToString([]byte(`{"values":{"name":"B64"}}`)), IsBase64Encoded: true}, http.StatusOK, apps.CallResponseTypeOK},
		{"bad base64", Event{Path: "/greet", Body: "%%%", IsBase64Encoded: true}, http.StatusBadRequest, apps.CallResponseTypeError},
		{"path from the call when the event has none", Event{Body: `{"path":"/ping"}`}, http.StatusOK, apps.CallResponseTypeOK},
		{"empty body", Event{Path: "/ping"}, http.StatusOK, apps.CallResponseTypeOK},
		{"acting user is not an object", Event{Path: "/greet", Body: `{"context":{"acting_user":"alice"}}`}, http.StatusBadRequest, apps.CallResponseTypeError},
		{"post is not an object", Event{Path: "/echo", Body: `{"context":{"post":["p1"]}}`}, http.StatusBadRequest, apps.CallResponseTypeError},
		{"app is not an object", Event{Path: "/webhook-url", Body: `{"context":{"app":1}}`}, http.StatusBadRequest, apps.CallResponseTypeError},
		{"expand is not an object", Event{Path: "/ping", Body: `{"expand":"all"}`}, http.StatusBadRequest, apps.CallResponseTypeError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := invoke(t, tt.ev)
			assert.Equal(t, tt.wantStatus, resp.StatusCode)
			var cr apps.CallResponse
			require.NoError(t, json.Unmarshal([]byte(resp.Body), &cr))
			assert.Equal(t, tt.wantType, cr.Type)
			if tt.wantStatus == http.StatusBadRequest && !tt.ev.IsBase64Encoded {
				assert.True(t, strings.HasPrefix(cr.Text, "the body is not a CallRequest: "), cr.Text)
			}
		})
	}
}

// TestCrash runs the /crash call in a child process, since it exits.
func TestCrash(t *testing.T) {
	if os.Getenv("HELLO_CRASH_CHILD") == "1" {
		invoke(t, Event{Path: "/crash", Body: `{}`})
		return // not reached
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrash$")
	cmd.Env = append(os.Environ(), "HELLO_CRASH_CHILD=1")
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	require.True(t, errors.As(err, &exitErr), "the child must exit with an error; output:\n%s", out)
	assert.Equal(t, 2, exitErr.ExitCode())
}

func TestManifest(t *testing.T) {
	data, err := os.ReadFile("manifest.json")
	require.NoError(t, err)
	// The plugin's own decoding and validation accept it.
	m, err := apps.DecodeManifest(data)
	require.NoError(t, err)
	assert.Equal(t, apps.AppID("hello-lambda"), m.AppID)
	assert.Equal(t, apps.AppVersion("0.1.0"), m.Version)
	assert.Equal(t, "Hello Lambda", m.DisplayName)
	assert.FileExists(t, filepath.Join("static", m.Icon))
	require.NotNil(t, m.OnInstall)
	assert.Contains(t, routes, m.OnInstall.Path, "on_install calls a path the app serves")
	assert.Contains(t, routes, m.BindingsCall().Path, "the bindings call is a path the app serves")
	require.NotNil(t, m.GetOAuth2ConnectURL)
	require.NotNil(t, m.OnOAuth2Complete)
	assert.Contains(t, routes, m.GetOAuth2ConnectURL.Path, "get_oauth2_connect_url calls a path the app serves")
	assert.Contains(t, routes, m.OnOAuth2Complete.Path, "on_oauth2_complete calls a path the app serves")
	assert.Equal(t, apps.ExpandAll, m.OnOAuth2Complete.Expand.ActingUserAccessToken, "the app stores the user's data with their token")
	assert.True(t, m.RequestedPermissions.Contains(apps.PermissionRemoteOAuth2))
	require.NotNil(t, m.AWSLambda)
	require.Len(t, m.AWSLambda.Functions, 1)
	fn := m.AWSLambda.Functions[0]
	assert.Equal(t, "/", fn.Path)
	assert.Equal(t, "hello", fn.Name)
	assert.Equal(t, "bootstrap", fn.Handler)
	assert.Equal(t, "provided.al2023", fn.Runtime)

	_, resp, _ := call(t, "/bindings", withUser(nil))
	var bindings []apps.Binding
	require.NoError(t, resp.DecodeData(&bindings))
	require.NotEmpty(t, bindings)
	for _, b := range bindings {
		assert.True(t, b.Location.In(m.RequestedLocations), "the manifest requests the binding location %s", b.Location)
	}

	icon, err := os.ReadFile(filepath.Join("static", m.Icon))
	require.NoError(t, err)
	assert.Equal(t, "image/png", http.DetectContentType(icon))
}

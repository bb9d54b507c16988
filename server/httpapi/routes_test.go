package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/appcall"
	"github.com/lambda-apps/lambda-apps/server/appcmd"
	"github.com/lambda-apps/lambda-apps/server/bindings"
	"github.com/lambda-apps/lambda-apps/server/httpjson"
	"github.com/lambda-apps/lambda-apps/server/timing"
)

func TestLookupRoute(t *testing.T) {
	var got []appcmd.SuggestRequest
	r := NewRouter(Deps{
		Log: &nopLogger{},
		Dialogs: fakeDialogs{suggest: func(_ context.Context, req appcmd.SuggestRequest) ([]model.AutocompleteListItem, error) {
			got = append(got, req)
			if req.Token == "broken" {
				return nil, errors.New("the app is down")
			}
			if req.ChannelID == "secret" {
				return nil, fmt.Errorf("%w: context.channel_id: you cannot read this channel", appcall.ErrForbidden)
			}
			return []model.AutocompleteListItem{{Item: "go", Hint: "Go"}}, nil
		}},
	})
	get := func(path string) (int, []model.AutocompleteListItem, string) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set(UserIDHeader, "u1")
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		var items []model.AutocompleteListItem
		_ = json.Unmarshal(w.Body.Bytes(), &items)
		return w.Code, items, w.Body.String()
	}

	code, items, _ := get("/api/v1/lookup/tok?user_input=hello+pick+g&parsed=hello+pick+&channel_id=c1&team_id=t1&root_id=r1")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, []model.AutocompleteListItem{{Item: "go", Hint: "Go"}}, items)
	require.Len(t, got, 1)
	assert.Equal(t, appcmd.SuggestRequest{UserID: "u1", ChannelID: "c1", TeamID: "t1", RootID: "r1", Token: "tok",
		UserInput: "hello pick g", Parsed: "hello pick "}, got[0])

	code, items, _ = get("/api/v1/lookup/broken?user_input=x")
	require.Equal(t, http.StatusOK, code, "the server shows suggestions, not errors")
	require.Len(t, items, 1)
	assert.Empty(t, items[0].Item)
	assert.Contains(t, items[0].HelpText, "Could not load the choices: the app is down")

	code, _, body := get("/api/v1/lookup/tok?channel_id=secret")
	assert.Equal(t, http.StatusForbidden, code, body)
	assert.Contains(t, body, "context.channel_id")
}

func TestWebhookRouteNeedsNoUser(t *testing.T) {
	var got []string
	r := NewRouter(Deps{
		Log: &nopLogger{},
		Webhooks: webhooksFunc(func(w http.ResponseWriter, r *http.Request, appID apps.AppID, rest string) {
			got = append(got, string(appID)+"|"+rest+"|"+r.Header.Get(UserIDHeader))
			httpjson.Write(w, http.StatusOK, map[string]string{"status": "ok"})
		}),
	})
	serve := func(method, path string) int {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(method, path, nil))
		return w.Code
	}
	assert.Equal(t, http.StatusOK, serve(http.MethodPost, "/apps/hello/webhook/alert?secret=x"))
	assert.Equal(t, http.StatusOK, serve(http.MethodGet, "/apps/hello/webhook"))
	assert.Equal(t, http.StatusNotFound, serve(http.MethodPost, "/apps/hello/webhooks"))
	assert.Equal(t, []string{"hello|/alert|", "hello||"}, got)
	assert.Equal(t, http.StatusUnauthorized, serve(http.MethodGet, "/api/v1/bindings"), "every other route still needs a user")
	assert.Equal(t, http.StatusUnauthorized, serve(http.MethodGet, "/apps/hello/static/icon.png"))
}

func TestDialogLookupRoute(t *testing.T) {
	r := NewRouter(Deps{
		Log: &nopLogger{},
		Dialogs: fakeDialogs{lookup: func(_ context.Context, userID string, req *model.SubmitDialogRequest) (*model.LookupDialogResponse, error) {
			switch req.State {
			case "secret":
				return nil, fmt.Errorf("%w: context.channel_id: you cannot read this channel", appcall.ErrForbidden)
			case "bad":
				return nil, fmt.Errorf("%w: x", appcmd.ErrBadLookup)
			case "down":
				return nil, errors.New("lambda down")
			}
			return &model.LookupDialogResponse{Items: []model.DialogSelectOption{{Text: userID, Value: req.State}}}, nil
		}},
	})
	post := func(body string) (int, string) {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/dialog/lookup", strings.NewReader(body))
		req.Header.Set(UserIDHeader, "u1")
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		return w.Code, w.Body.String()
	}
	code, body := post(`{"state":"s1","channel_id":"c1"}`)
	assert.Equal(t, http.StatusOK, code)
	assert.JSONEq(t, `{"items":[{"text":"u1","value":"s1"}]}`, body)
	code, body = post(`{"state":"down"}`)
	assert.Equal(t, http.StatusOK, code)
	assert.JSONEq(t, `{"items":[]}`, body, "a failing app answers no choices")
	code, _ = post(`{"state":"bad"}`)
	assert.Equal(t, http.StatusBadRequest, code)
	code, _ = post(`{"state":"secret"}`)
	assert.Equal(t, http.StatusForbidden, code)
	code, _ = post(`{`)
	assert.Equal(t, http.StatusBadRequest, code)
}

func TestAppCallingGETsRefuseCrossSiteRequests(t *testing.T) {
	r := NewRouter(Deps{
		Log: &nopLogger{},
		Bindings: bindingsFunc(func(context.Context, bindings.Where) ([]apps.Binding, error) {
			return []apps.Binding{}, nil
		}),
		Dialogs: fakeDialogs{suggest: func(context.Context, appcmd.SuggestRequest) ([]model.AutocompleteListItem, error) {
			return []model.AutocompleteListItem{}, nil
		}},
	})
	browser := "Mozilla/5.0 (X11; Linux x86_64)"
	tests := []struct {
		name    string
		headers map[string]string
		want    int
	}{
		{"a page on another site (cookie only)", map[string]string{"User-Agent": browser, "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"an old browser without fetch metadata", map[string]string{"User-Agent": browser}, http.StatusForbidden},
		{"fetch metadata without a user agent", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"the webapp (XHR header)", map[string]string{"User-Agent": browser, "Sec-Fetch-Site": "same-origin", "X-Requested-With": "XMLHttpRequest"}, http.StatusOK},
		{"a script with a token and the header", map[string]string{"User-Agent": "curl/8", "X-Requested-With": "XMLHttpRequest"}, http.StatusOK},
		{"the server's own request (autocomplete)", map[string]string{}, http.StatusOK},
	}
	for _, path := range []string{"/api/v1/bindings?channel_id=c1", "/api/v1/lookup/tok?user_input=x"} {
		for _, tt := range tests {
			t.Run(path+" "+tt.name, func(t *testing.T) {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.Header.Set(UserIDHeader, "u1")
				for k, v := range tt.headers {
					req.Header.Set(k, v)
				}
				w := httptest.NewRecorder()
				r.ServeHTTP(w, req)
				assert.Equal(t, tt.want, w.Code, w.Body.String())
			})
		}
	}
}

func TestRoutesListsEveryRoute(t *testing.T) {
	got := map[Route]bool{}
	for _, r := range Routes() {
		got[r] = true
	}
	for _, want := range []Route{
		{http.MethodPost, "/api/v1/call"},
		{http.MethodGet, "/api/v1/bindings"},
		{http.MethodHead, "/api/v1/apps/{app_id}/static/{name:.+}"},
		{http.MethodPost, "/api/v1/install-app"},
		{"*", "/apps/{app_id}/webhook"},
	} {
		assert.True(t, got[want], "%v", want)
	}
	assert.Len(t, got, len(Routes()), "no route is listed twice")
}

// TestBindingsReportTheirSteps: GET /bindings has the steps the bindings
// service marked, the encoding of the answer, and the whole; a refusal has
// the steps it went through.
func TestBindingsReportTheirSteps(t *testing.T) {
	fail := false
	r := NewRouter(Deps{
		Log: &nopLogger{},
		Bindings: bindingsFunc(func(ctx context.Context, _ bindings.Where) ([]apps.Binding, error) {
			timing.Mark(ctx, "verify")
			if fail {
				return nil, appcall.ErrForbidden
			}
			timing.Mark(ctx, "apps")
			return []apps.Binding{{Location: apps.LocationChannelHeader}}, nil
		}),
	})
	get := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/bindings?channel_id=c1", nil)
		req.Header.Set(UserIDHeader, "u1")
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		return w
	}
	w := get()
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Contains(t, w.Body.String(), `"/channel_header"`)
	steps := timing.Parse(w.Header().Get(timing.HeaderName))
	for _, s := range []string{"verify", "apps", "answer", "plugin"} {
		assert.Contains(t, steps, s)
	}
	fail = true
	w = get()
	assert.Equal(t, http.StatusForbidden, w.Code)
	steps = timing.Parse(w.Header().Get(timing.HeaderName))
	assert.Contains(t, steps, "verify")
	assert.NotContains(t, steps, "answer")
}

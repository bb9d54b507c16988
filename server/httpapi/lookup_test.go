package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/server/appcmd"
)

func TestLookupRoute(t *testing.T) {
	var got []appcmd.SuggestRequest
	r := NewRouter(Deps{
		Log:            &nopLogger{},
		CanReadChannel: func(userID, channelID string) bool { return channelID != "secret" },
		Suggest: func(_ context.Context, req appcmd.SuggestRequest) ([]model.AutocompleteListItem, error) {
			got = append(got, req)
			if req.Token == "broken" {
				return nil, errors.New("the app is down")
			}
			return []model.AutocompleteListItem{{Item: "go", Hint: "Go"}}, nil
		},
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
	assert.Len(t, got, 2, "a channel the user cannot read is never looked up")
}

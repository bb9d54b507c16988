package apps

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCallUnmarshal(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Call
		wantErr string
	}{
		{"string", `"/install"`, Call{Path: "/install"}, ""},
		{"string with spaces", ` "/x" `, Call{Path: "/x"}, ""},
		{"object", `{"path":"/p","expand":{"channel":"+all","app":"id"},"state":{"k":1}}`,
			Call{Path: "/p", Expand: &Expand{Channel: "+all", App: ExpandID}, State: map[string]any{"k": float64(1)}}, ""},
		{"empty object", `{}`, Call{}, ""},
		{"number", `3`, Call{}, "path string or an object"},
		{"array", `["/x"]`, Call{}, "path string or an object"},
		{"bad string", `"\x"`, Call{}, "invalid character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Call
			err := json.Unmarshal([]byte(tt.in), &c)
			if tt.wantErr != "" {
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, c)
		})
	}
}

func TestCallUnmarshalNullKeepsPointerNil(t *testing.T) {
	var m struct {
		C *Call `json:"c"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"c":null}`), &m))
	assert.Nil(t, m.C)
}

func TestCallMarshalsAsObject(t *testing.T) {
	out, err := json.Marshal(Call{Path: "/x", Expand: &Expand{ActingUser: ExpandSummary}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"path":"/x","expand":{"acting_user":"summary"}}`, string(out))
	assert.Equal(t, &Call{Path: "/y"}, NewCall("/y"))
}

func TestParseExpandLevel(t *testing.T) {
	tests := []struct {
		raw          string
		wantLevel    ExpandLevel
		wantRequired bool
		wantErr      bool
	}{
		{"", ExpandNone, false, false},
		{"none", ExpandNone, false, false},
		{"id", ExpandID, false, false},
		{"summary", ExpandSummary, false, false},
		{"all", ExpandAll, false, false},
		{"+id", ExpandID, true, false},
		{"+summary", ExpandSummary, true, false},
		{"+all", ExpandAll, true, false},
		{"+none", ExpandNone, true, false},
		{"+", "", false, true},
		{"++all", "", false, true},
		{"All", "", false, true},
		{"everything", "", false, true},
		{" all", "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			level, required, err := ParseExpandLevel(tt.raw)
			if tt.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantLevel, level)
			assert.Equal(t, tt.wantRequired, required)
			assert.Equal(t, tt.wantLevel, ExpandLevel(tt.raw).Level())
			assert.Equal(t, tt.wantRequired, ExpandLevel(tt.raw).Required())
		})
	}
	assert.Equal(t, ExpandNone, ExpandLevel("bogus").Level())
	assert.False(t, ExpandLevel("+bogus").Required())
}

func TestExpandValidate(t *testing.T) {
	assert.NoError(t, (&Expand{App: ExpandAll, ActingUser: "+summary", OAuth2User: ExpandAll}).Validate())
	err := (&Expand{Channel: "lots", RootPost: "+"}).Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "expand.channel: unknown expand level \"lots\"")
	assert.Contains(t, err.Error(), "expand.root_post: \"+\" must be followed by a level")
}

func TestCallRequestJSON(t *testing.T) {
	in := `{
		"path": "/send",
		"expand": {"acting_user": "+summary"},
		"state": "s",
		"values": {"message": "hi", "option": {"label": "L", "value": "v"}},
		"context": {
			"app_id": "hello",
			"location": "/command/hello/send",
			"user_agent": "webapp",
			"channel_id": "c1", "team_id": "t1", "post_id": "p1", "root_post_id": "r1", "user_id": "u1",
			"mattermost_site_url": "https://mm.example.com",
			"app_path": "/plugins/lambda-apps/apps/hello",
			"bot_user_id": "b1",
			"bot_access_token": "bt",
			"acting_user": {"id": "u1", "username": "ann"},
			"acting_user_access_token": "ut",
			"locale": "en",
			"channel": {"id": "c1"}
		},
		"raw_command": "/hello send --message hi",
		"selected_field": "option",
		"query": "q"
	}`
	var req CallRequest
	require.NoError(t, json.Unmarshal([]byte(in), &req))

	assert.Equal(t, "/send", req.Path)
	assert.Equal(t, &Expand{ActingUser: "+summary"}, req.Expand)
	assert.Equal(t, "s", req.State)
	assert.Equal(t, "hi", req.Values["message"])
	assert.Equal(t, map[string]any{"label": "L", "value": "v"}, req.Values["option"])
	assert.Equal(t, "/hello send --message hi", req.RawCommand)
	assert.Equal(t, "option", req.SelectedField)
	assert.Equal(t, "q", req.Query)

	ctx := req.Context
	assert.Equal(t, AppID("hello"), ctx.AppID)
	assert.Equal(t, Location("/command/hello/send"), ctx.Location)
	assert.Equal(t, "webapp", ctx.UserAgent)
	assert.Equal(t, []string{"c1", "t1", "p1", "r1", "u1"},
		[]string{ctx.ChannelID, ctx.TeamID, ctx.PostID, ctx.RootPostID, ctx.UserID})
	assert.Equal(t, "https://mm.example.com", ctx.MattermostSiteURL)
	assert.Equal(t, "/plugins/lambda-apps/apps/hello", ctx.AppPath)
	assert.Equal(t, "b1", ctx.BotUserID)
	assert.Equal(t, "bt", ctx.BotAccessToken)
	assert.Equal(t, "ut", ctx.ActingUserAccessToken)
	assert.Equal(t, "en", ctx.Locale)
	assert.JSONEq(t, `{"id": "u1", "username": "ann"}`, string(ctx.ActingUser))
	assert.JSONEq(t, `{"id": "c1"}`, string(ctx.Channel))
	assert.Nil(t, ctx.Team)

	out, err := json.Marshal(req)
	require.NoError(t, err)
	assert.JSONEq(t, in, string(out), "a call request survives a round trip")
}

func TestCallRequestMarshalMinimal(t *testing.T) {
	out, err := json.Marshal(CallRequest{Call: Call{Path: "/ping"}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"path":"/ping","context":{"app_id":""}}`, string(out), "context.app_id is always present")
}

func TestCallRequestUnmarshalErrors(t *testing.T) {
	for _, in := range []string{`"/path"`, `[]`, `{"values":3}`, `{"path":3}`} {
		var req CallRequest
		assert.Error(t, json.Unmarshal([]byte(in), &req), in)
	}
}

func TestDecodeCallRequestMatchesUnmarshal(t *testing.T) {
	data := []byte(`{"path":"/p","expand":{"acting_user":"+summary"},"state":{"k":1},"values":{"a":"b"},
		"context":{"app_id":"x","channel_id":"c"},"raw_command":"/x y","selected_field":"f","query":"q"}`)
	var viaUnmarshal CallRequest
	require.NoError(t, json.Unmarshal(data, &viaUnmarshal))
	decoded, err := DecodeCallRequest(data)
	require.NoError(t, err)
	assert.Equal(t, viaUnmarshal, *decoded)
	assert.Equal(t, "/p", decoded.Path)
	assert.Equal(t, ExpandLevel("+summary"), decoded.Expand.ActingUser)

	_, err = DecodeCallRequest([]byte(`{"path": 1}`))
	require.Error(t, err)
}

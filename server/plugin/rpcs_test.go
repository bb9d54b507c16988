package plugin

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin/plugintest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/config"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// rpcCounter counts the plugin API methods (each one an RPC to the server).
type rpcCounter struct {
	mu sync.Mutex
	n  map[string]int
	// during, when set for a method, runs in it after it is counted (a
	// test's hold on it).
	during map[string]func()
}

func (c *rpcCounter) count(method string) func(mock.Arguments) {
	return func(mock.Arguments) {
		c.mu.Lock()
		c.n[method]++
		f := c.during[method]
		c.mu.Unlock()
		if f != nil {
			f()
		}
	}
}

func (c *rpcCounter) hold(method string, f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.during == nil {
		c.during = map[string]func(){}
	}
	c.during[method] = f
}

func (c *rpcCounter) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.n
	c.n = map[string]int{}
	return out
}

const (
	budgetUser    = "uuuuuuuuuuuuuuuuuuuuuuuuuu"
	budgetChannel = "cccccccccccccccccccccccccc"
	budgetTeam    = "tttttttttttttttttttttttttt"
)

// budgetPlugin is the plugin activated with one installed app ("hello",
// trigger /hello, command "greet") whose function a fake Lambda endpoint
// serves, and a counter of the plugin API methods it uses; the start-up
// work is over when it returns.
func budgetPlugin(t *testing.T) (*Plugin, *rpcCounter) {
	t.Helper()
	const user, channel, team = budgetUser, budgetChannel, budgetTeam
	lambda := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev struct {
			Path string `json:"path"`
		}
		_ = json.NewDecoder(r.Body).Decode(&ev)
		answer := `{"type":"ok","text":"hi"}`
		if ev.Path == "/bindings" {
			answer = `{"type":"ok","data":[{"location":"/command","bindings":[{"label":"hello","bindings":[{"label":"greet","submit":{"path":"/greet","expand":{"acting_user":"summary"}}}]}]}]}`
		}
		b, _ := json.Marshal(map[string]any{"statusCode": 200, "body": answer})
		_, _ = w.Write(b)
	}))
	t.Cleanup(lambda.Close)
	app := store.InstalledApp{Manifest: apps.Manifest{AppID: "hello", Version: "1.0.0", DisplayName: "Hello",
		AWSLambda: &apps.AWSLambda{Functions: []apps.AWSLambdaFunction{{Path: "/", Name: "main", Handler: "bootstrap", Runtime: "provided.al2023"}}}},
		GrantedLocations: []apps.Location{apps.LocationCommand}, BotUserID: "bbbbbbbbbbbbbbbbbbbbbbbbbb", InstalledBy: budgetUser}
	record, err := json.Marshal(app)
	require.NoError(t, err)
	rpcs := &rpcCounter{n: map[string]int{}}
	api := &plugintest.API{}
	on := func(method string, args ...any) *mock.Call {
		return api.On(method, args...).Run(rpcs.count(method)).Maybe()
	}
	on("LoadPluginConfiguration", mock.Anything).Return(nil)
	on("KVList", mock.Anything, mock.Anything).Return([]string{"app/hello"}, nil)
	on("KVGet", "app/hello").Return(record, nil)
	on("KVGet", mock.Anything).Return(nil, nil)
	on("KVSetWithOptions", mock.Anything, mock.Anything, mock.Anything).Return(true, nil)
	on("KVDelete", mock.Anything).Return(nil)
	on("RegisterCommand", mock.Anything).Return(nil)
	on("UnregisterCommand", mock.Anything, mock.Anything).Return(nil)
	site := "http://mm.example.com"
	on("GetConfig").Return(&model.Config{ServiceSettings: model.ServiceSettings{SiteURL: &site}})
	on("HasPermissionToChannel", user, channel, model.PermissionReadChannel).Return(true)
	on("HasPermissionToChannel", user, mock.Anything, model.PermissionReadChannel).Return(false)
	on("HasPermissionToTeam", user, team, model.PermissionViewTeam).Return(true)
	on("GetChannel", channel).Return(&model.Channel{Id: channel, TeamId: team, Type: model.ChannelTypeOpen}, nil)
	on("GetUser", user).Return(&model.User{Id: user, Username: "alice"}, nil)
	on("SendEphemeralPost", user, mock.Anything).Return(&model.Post{})
	on("PublishPluginClusterEvent", mock.Anything, mock.Anything).Return(nil)
	on("ListBuiltInCommands").Return([]*model.Command{}, nil)
	on("ListPluginCommands", mock.Anything).Return([]*model.Command{}, nil)
	on("ListCommands", mock.Anything).Return([]*model.Command{}, nil)
	for _, level := range []string{"LogDebug", "LogInfo", "LogWarn", "LogError"} {
		for n := 1; n <= 21; n += 2 {
			args := make([]any, n)
			for i := range args {
				args[i] = mock.Anything
			}
			on(level, args...)
		}
	}
	p := activate(t, api, map[string]string{
		config.EnvAccessKey: "AKIATEST", config.EnvSecretKey: "secret", "AWS_ENDPOINT_URL_LAMBDA": lambda.URL,
		"AWS_ENDPOINT_URL": "http://127.0.0.1:1", // S3: refused at once
	})
	// Activation starts background work (catalog sync, registering the
	// app's commands): wait until it is over before counting.
	require.Eventually(t, func() bool { _, ok := p.appCommands.AppFor("hello"); return ok }, 30*time.Second, 50*time.Millisecond,
		"the app's command was never registered")
	quiet := 0
	for deadline := time.Now().Add(20 * time.Second); quiet < 3; {
		require.True(t, time.Now().Before(deadline), "the plugin's start-up work did not settle")
		time.Sleep(100 * time.Millisecond)
		if len(rpcs.take()) == 0 {
			quiet++
		} else {
			quiet = 0
		}
	}

	return p, rpcs
}

// postCall sends POST /api/v1/call with body as the budget user.
func postCall(p *Plugin, body io.Reader) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/api/v1/call", body)
	r.Header.Set("Mattermost-User-Id", budgetUser)
	w := httptest.NewRecorder()
	p.ServeHTTP(nil, w, r)
	return w
}

// TestCallRPCBudget pins the server round trips of one app call through
// the plugin's HTTP route (the channel header button: channel and team in
// the context, the acting user expanded): each is an RPC that the user
// waits for, so a new one must be a deliberate choice.
func TestCallRPCBudget(t *testing.T) {
	const channel, team = budgetChannel, budgetTeam
	p, rpcs := budgetPlugin(t)
	call := func() {
		w := postCall(p, strings.NewReader(`{"path":"/greet","expand":{"acting_user":"summary"},"context":{"app_id":"hello","channel_id":"`+channel+`","team_id":"`+team+`"}}`))
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		require.Contains(t, w.Body.String(), `"hi"`)
	}
	call() // the first call fills caches (the Site URL, the channel's team)
	rpcs.take()
	call()
	got := rpcs.take()
	for _, level := range []string{"LogDebug", "LogInfo", "LogWarn", "LogError"} {
		delete(got, level) // written later, off the call's path (asynclog)
	}
	assert.Equal(t, map[string]int{
		"GetUser": 1, // acting_user expanded (read from the start: calls nearly always expand it)
		// The first call found that the user reads the channel, and its
		// team: both are remembered (readcache, channelTeams); the channel
		// being the team's, reading it stands for the team.
	}, got)
}

// gatedBody is a request body whose first Read waits (at most 10 s) until
// gate is closed: in a plugin reading the body is a round trip to the
// server, which the acting user's read can overlap.
type gatedBody struct {
	r          io.Reader
	gate       <-chan struct{}
	once       sync.Once
	overlapped bool
}

func (b *gatedBody) Read(p []byte) (int, error) {
	b.once.Do(func() {
		select {
		case <-b.gate:
			b.overlapped = true
		case <-time.After(10 * time.Second):
		}
	})
	return b.r.Read(p)
}

// TestCallReadsTheUserWhileReadingTheBody: the acting user's read starts
// before the call's body is read.
func TestCallReadsTheUserWhileReadingTheBody(t *testing.T) {
	p, rpcs := budgetPlugin(t)
	userRead := make(chan struct{})
	var once sync.Once
	rpcs.hold("GetUser", func() { once.Do(func() { close(userRead) }) })
	body := &gatedBody{gate: userRead, r: strings.NewReader(`{"path":"/greet","expand":{"acting_user":"summary"},"context":{"app_id":"hello","channel_id":"` + budgetChannel + `"}}`)}
	w := postCall(p, body)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.True(t, body.overlapped, "the user was read only after the body")
}

// TestReadPermissionIsRememberedUntilTheUserLeaves: a granted read
// permission saves the next calls' round trip until the user leaves the
// channel or its team (on this node, or another one's cluster event); a
// refusal is never remembered.
func TestReadPermissionIsRememberedUntilTheUserLeaves(t *testing.T) {
	p, rpcs := budgetPlugin(t)
	call := func(channel string) int {
		return postCall(p, strings.NewReader(`{"path":"/greet","context":{"app_id":"hello","channel_id":"`+channel+`"}}`)).Code
	}
	checks := func() int { return rpcs.take()["HasPermissionToChannel"] }
	require.Equal(t, http.StatusOK, call(budgetChannel))
	require.Equal(t, 1, checks())
	require.Equal(t, http.StatusOK, call(budgetChannel))
	require.Equal(t, 0, checks(), "remembered")

	for _, leave := range []struct {
		name string
		do   func()
	}{
		{"left the channel", func() {
			p.UserHasLeftChannel(nil, &model.ChannelMember{UserId: budgetUser, ChannelId: budgetChannel}, nil)
		}},
		{"left the team", func() {
			p.UserHasLeftTeam(nil, &model.TeamMember{UserId: budgetUser, TeamId: budgetTeam}, nil)
		}},
		{"deactivated", func() { p.UserHasBeenDeactivated(nil, &model.User{Id: budgetUser}) }},
		{"left on another node", func() {
			p.OnPluginClusterEvent(nil, model.PluginClusterEvent{Id: eventReadRevoked, Data: []byte(`{"user_id":"` + budgetUser + `"}`)})
		}},
	} {
		rpcs.take()
		leave.do()
		if leave.name != "left on another node" {
			assert.Equal(t, 1, rpcs.take()["PublishPluginClusterEvent"], "%s: the other nodes are told", leave.name)
		}
		require.Equal(t, http.StatusOK, call(budgetChannel))
		assert.Equal(t, 1, checks(), "%s: asked again", leave.name)
	}

	const unreadable = "dddddddddddddddddddddddddd"
	for range 2 {
		require.Equal(t, http.StatusForbidden, call(unreadable))
		assert.Equal(t, 1, checks(), "a refusal is asked again each time")
	}
}

// TestCallReadsTheUserWhileCheckingTheChannel: the acting user's read does
// not wait for the channel's check (each is a round trip the user waits
// for): the check is held until the read has started, which deadlocks (and
// fails after 10 s) when they run one after the other.
func TestCallReadsTheUserWhileCheckingTheChannel(t *testing.T) {
	p, rpcs := budgetPlugin(t)
	userRead := make(chan struct{})
	var once sync.Once
	rpcs.hold("GetUser", func() { once.Do(func() { close(userRead) }) })
	overlapped := false
	rpcs.hold("HasPermissionToChannel", func() {
		select {
		case <-userRead:
			overlapped = true
		case <-time.After(10 * time.Second):
		}
	})
	w := postCall(p, strings.NewReader(`{"path":"/greet","expand":{"acting_user":"summary"},"context":{"app_id":"hello","channel_id":"`+budgetChannel+`","team_id":"`+budgetTeam+`"}}`))
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.True(t, overlapped, "the user was read only after the channel's check")
}

// TestCommandRPCBudget does the same for an app's slash command run in a
// channel: the bindings call (the app's commands) and the command's call
// share one check of the channel and team.
func TestCommandRPCBudget(t *testing.T) {
	p, rpcs := budgetPlugin(t)
	run := func(channelID string) {
		resp, appErr := p.ExecuteCommand(nil, &model.CommandArgs{UserId: budgetUser, ChannelId: channelID, TeamId: budgetTeam, Command: "/hello greet"})
		require.Nil(t, appErr)
		require.NotNil(t, resp)
		require.Empty(t, resp.Text, "the answer is the app's ephemeral post")
	}
	run(budgetChannel)
	got := rpcs.take()
	for _, level := range []string{"LogDebug", "LogInfo", "LogWarn", "LogError"} {
		delete(got, level)
	}
	assert.Equal(t, map[string]int{
		"HasPermissionToChannel": 1, // once for both calls
		"GetChannel":             1, // the channel's team (then remembered)
		"GetUser":                1, // acting_user expanded, once for both calls
		"SendEphemeralPost":      1, // the app's answer
	}, got, "the first command in a channel: the bindings call and the command's call")
}

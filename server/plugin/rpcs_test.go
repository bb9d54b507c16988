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
}

func (c *rpcCounter) count(method string) func(mock.Arguments) {
	return func(mock.Arguments) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.n[method]++
	}
}

func (c *rpcCounter) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.n
	c.n = map[string]int{}
	return out
}

// TestCallRPCBudget pins the server round trips of one app call through
// the plugin's HTTP route (the channel header button: channel and team in
// the context, the acting user expanded): each is an RPC that the user
// waits for, so a new one must be a deliberate choice.
func TestCallRPCBudget(t *testing.T) {
	const user, channel, team = "uuuuuuuuuuuuuuuuuuuuuuuuuu", "cccccccccccccccccccccccccc", "tttttttttttttttttttttttttt"
	lambda := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, `{"statusCode":200,"body":"{\"type\":\"ok\",\"text\":\"hi\"}"}`)
	}))
	defer lambda.Close()
	app := store.InstalledApp{Manifest: apps.Manifest{AppID: "hello", Version: "1.0.0", DisplayName: "Hello",
		AWSLambda: &apps.AWSLambda{Functions: []apps.AWSLambdaFunction{{Path: "/", Name: "main", Handler: "bootstrap", Runtime: "provided.al2023"}}}}}
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
	on("HasPermissionToTeam", user, team, model.PermissionViewTeam).Return(true)
	on("GetChannel", channel).Return(&model.Channel{Id: channel, TeamId: team, Type: model.ChannelTypeOpen}, nil)
	on("GetUser", user).Return(&model.User{Id: user, Username: "alice"}, nil)
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

	call := func() {
		body := `{"path":"/greet","expand":{"acting_user":"summary"},"context":{"app_id":"hello","channel_id":"` + channel + `","team_id":"` + team + `"}}`
		r := httptest.NewRequest(http.MethodPost, "/api/v1/call", strings.NewReader(body))
		r.Header.Set("Mattermost-User-Id", user)
		w := httptest.NewRecorder()
		p.ServeHTTP(nil, w, r)
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		require.Contains(t, w.Body.String(), `"hi"`)
	}
	call() // the first call may fill caches (the Site URL)
	rpcs.take()
	call()
	got := rpcs.take()
	for _, level := range []string{"LogDebug", "LogInfo", "LogWarn", "LogError"} {
		delete(got, level) // written later, off the call's path (asynclog)
	}
	assert.Equal(t, map[string]int{
		"HasPermissionToChannel": 1, // the user reads the channel
		"HasPermissionToTeam":    1, // and is in the team
		"GetChannel":             1, // the channel is in that team
		"GetUser":                1, // acting_user expanded
	}, got)
}

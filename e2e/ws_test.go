//go:build e2e

package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/require"
)

// events listens to a user's websocket, as a client would.
type events struct {
	ws *model.WebSocketClient
}

func (s *stack) listen(t *testing.T, token string) *events {
	t.Helper()
	wsURL := "ws" + strings.TrimPrefix(s.url, "http")
	ws, err := model.NewWebSocketClient4(wsURL, token)
	require.NoError(t, err)
	ws.Listen()
	t.Cleanup(ws.Close)
	return &events{ws: ws}
}

// wait returns the first event of type typ for which match is true.
func (e *events) wait(t *testing.T, typ string, match func(*model.WebSocketEvent) bool) *model.WebSocketEvent {
	t.Helper()
	return e.waitWithin(t, 30*time.Second, "", typ, match)
}

// waitWithin is wait with a deadline and a step named in its failures.
func (e *events) waitWithin(t *testing.T, within time.Duration, step, typ string, match func(*model.WebSocketEvent) bool) *model.WebSocketEvent {
	t.Helper()
	if step != "" {
		step += ": "
	}
	timeout := time.After(within)
	for {
		select {
		case ev, ok := <-e.ws.EventChannel:
			require.True(t, ok, "%swebsocket closed", step)
			if string(ev.EventType()) == typ && (match == nil || match(ev)) {
				return ev
			}
		case <-timeout:
			t.Fatalf("%sno %s event within %s", step, typ, within)
		}
	}
}

// postOf decodes the post of a posted or ephemeral_message event.
func postOf(ev *model.WebSocketEvent) (*model.Post, bool) {
	var post model.Post
	raw, _ := ev.GetData()["post"].(string)
	return &post, json.Unmarshal([]byte(raw), &post) == nil
}

// ephemeral waits for an ephemeral post whose message contains text.
func (e *events) ephemeral(t *testing.T, text string) *model.Post {
	t.Helper()
	var post model.Post
	e.wait(t, string(model.WebsocketEventEphemeralMessage), func(ev *model.WebSocketEvent) bool {
		raw, _ := ev.GetData()["post"].(string)
		return json.Unmarshal([]byte(raw), &post) == nil && strings.Contains(post.Message, text)
	})
	return &post
}

// dialog waits for an interactive dialog to open.
func (e *events) dialog(t *testing.T) *model.OpenDialogRequest {
	t.Helper()
	var req model.OpenDialogRequest
	e.wait(t, string(model.WebsocketEventOpenDialog), func(ev *model.WebSocketEvent) bool {
		raw, _ := ev.GetData()["dialog"].(string)
		return json.Unmarshal([]byte(raw), &req) == nil
	})
	return &req
}

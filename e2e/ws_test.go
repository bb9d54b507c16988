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
	timeout := time.After(30 * time.Second)
	for {
		select {
		case ev, ok := <-e.ws.EventChannel:
			require.True(t, ok, "websocket closed")
			if string(ev.EventType()) == typ && (match == nil || match(ev)) {
				return ev
			}
		case <-timeout:
			t.Fatalf("no %s event within 30s", typ)
		}
	}
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

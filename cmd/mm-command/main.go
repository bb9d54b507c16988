// Command mm-command runs a slash command on a Mattermost server the way a
// client does and prints what the user would see: the command's response,
// ephemeral posts (app answers arrive that way, from the app's bot) and
// dialogs that open. It is a development helper for the local stack.
//
//	mm-command -url http://localhost:8065 -token TOKEN -channel ID -team ID "/apps info"
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
)

func main() {
	url := flag.String("url", os.Getenv("MM_URL"), "Mattermost site URL")
	token := flag.String("token", os.Getenv("MM_ADMIN_TOKEN"), "personal access token")
	channel := flag.String("channel", os.Getenv("MM_CHANNEL_ID"), "channel ID")
	team := flag.String("team", os.Getenv("MM_TEAM_ID"), "team ID")
	wait := flag.Duration("wait", 3*time.Second, "how long to wait for ephemeral posts and dialogs")
	flag.Parse()
	if flag.NArg() != 1 || *url == "" || *token == "" || *channel == "" {
		fmt.Fprintln(os.Stderr, `usage: mm-command [-url U -token T -channel C -team T] "/command args" (defaults from MM_URL, MM_ADMIN_TOKEN, MM_CHANNEL_ID, MM_TEAM_ID)`)
		os.Exit(2)
	}
	if err := run(*url, *token, *channel, *team, flag.Arg(0), *wait); err != nil {
		fmt.Fprintln(os.Stderr, "mm-command:", err)
		os.Exit(1)
	}
}

func run(url, token, channel, team, line string, wait time.Duration) error {
	ws, err := model.NewWebSocketClient4("ws"+strings.TrimPrefix(url, "http"), token)
	if err != nil {
		return fmt.Errorf("websocket: %w", err)
	}
	ws.Listen()
	defer ws.Close()

	client := model.NewAPIv4Client(url)
	client.SetToken(token)
	resp, _, err := client.ExecuteCommandWithTeam(context.Background(), channel, team, line)
	if err != nil {
		return err
	}
	if resp.Text != "" {
		fmt.Println(resp.Text)
	}
	if resp.GotoLocation != "" {
		fmt.Println("→ open", resp.GotoLocation)
	}
	deadline := time.After(wait)
	for {
		select {
		case ev := <-ws.EventChannel:
			switch ev.EventType() {
			case model.WebsocketEventEphemeralMessage:
				var p model.Post
				// The command's own response also arrives this way: printed above.
				if raw, ok := ev.GetData()["post"].(string); ok && json.Unmarshal([]byte(raw), &p) == nil && p.Message != resp.Text {
					fmt.Println(p.Message)
				}
			case model.WebsocketEventOpenDialog:
				var d model.OpenDialogRequest
				if raw, ok := ev.GetData()["dialog"].(string); ok && json.Unmarshal([]byte(raw), &d) == nil {
					fmt.Printf("[dialog %q]\n%s\n", d.Dialog.Title, d.Dialog.IntroductionText)
					for _, e := range d.Dialog.Elements {
						fmt.Printf("  - %s (%s)\n", e.DisplayName, e.Type)
					}
				}
			}
		case <-deadline:
			return nil
		}
	}
}

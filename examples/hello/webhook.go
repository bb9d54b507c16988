package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"time"

	"github.com/lambda-apps/lambda-apps/apps"
)

// webhookURL answers /hello webhook: the URL other services post to, with
// the app's secret, shown to system admins only.
func webhookURL(_ context.Context, req request) apps.CallResponse {
	u := req.ActingUser
	if u == nil || !strings.Contains(" "+u.Roles+" ", " system_admin ") {
		return errorResponse("Only a system admin may see the webhook URL: it carries the app's secret.")
	}
	app := req.App
	if app == nil || app.WebhookSecret == "" {
		return errorResponse("The webhook secret was not sent: grant the app remote_webhooks (reinstall it).")
	}
	url := req.Context.MattermostSiteURL + req.Context.AppPath + "/webhook/notify?secret=" + app.WebhookSecret
	return apps.CallResponse{Type: apps.CallResponseTypeOK, Text: "Post `{\"user_id\":\"...\",\"text\":\"...\"}` to\n" + url}
}

// notifyWebhook receives a remote webhook ({"user_id","text"}) and sends
// the text to that user as a direct message from the app's bot, through
// the Mattermost REST API with the bot's access token.
func notifyWebhook(ctx context.Context, req request) apps.CallResponse {
	var data struct {
		UserID string `json:"user_id"`
		Text   string `json:"text"`
	}
	raw, _ := json.Marshal(req.Values["data"])
	if err := json.Unmarshal(raw, &data); err != nil || data.UserID == "" || data.Text == "" {
		return errorResponse(`The webhook body must be {"user_id":"...","text":"..."}.`)
	}
	c := req.Context
	if c.BotAccessToken == "" || c.MattermostSiteURL == "" {
		return errorResponse("The call has no bot access token or site URL.")
	}
	mm := mattermost{url: c.MattermostSiteURL, token: c.BotAccessToken}
	var channel struct {
		ID string `json:"id"`
	}
	if err := mm.post(ctx, "/api/v4/channels/direct", []string{c.BotUserID, data.UserID}, &channel); err != nil {
		log.Printf("webhook: open the direct channel: %v", err)
		return errorResponse("Could not open a direct channel: %v", err)
	}
	post := map[string]string{"channel_id": channel.ID, "message": "Webhook: " + data.Text}
	if err := mm.post(ctx, "/api/v4/posts", post, nil); err != nil {
		log.Printf("webhook: post: %v", err)
		return errorResponse("Could not post: %v", err)
	}
	return apps.CallResponse{Type: apps.CallResponseTypeOK}
}

// mattermost is a minimal REST client acting as the app's bot.
type mattermost struct{ url, token string }

func (m mattermost) post(ctx context.Context, path string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(m.url, "/")+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	r.Header.Set("Authorization", "Bearer "+m.token)
	r.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s: HTTP %d: %.200s", path, resp.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.json from the current answers")

// goldenCases are call requests as the plugin sends them (raw JSON, so that
// they do not depend on the app's Go types) whose whole Lambda response is
// kept in testdata/golden/<name>.json. "{{MM}}" in a body is replaced by the
// URL of a fake Mattermost server.
var goldenCases = []struct {
	name string
	ev   Event
}{
	{"ping", Event{Path: "/ping", Body: `{"path":"/ping","context":{"app_id":"hello-lambda"}}`}},
	{"bindings", Event{Path: "/bindings", Body: `{"path":"/bindings","context":{"app_id":"hello-lambda","user_id":"u1","channel_id":"c1","team_id":"t1",
		"acting_user":{"id":"u1","username":"alice","roles":"system_user"}}}`}},
	{"install", Event{Path: "/install", Body: `{"path":"/install","expand":{"acting_user":"summary"},"context":{"app_id":"hello-lambda",
		"acting_user":{"id":"u1","username":"alice","first_name":"Alice","create_at":1700000000000}}}`}},
	{"install_without_user", Event{Path: "/install", Body: `{"path":"/install","context":{"app_id":"hello-lambda"}}`}},
	{"greet_by_name", Event{Path: "/greet", Body: `{"path":"/greet","values":{"name":" Ada "},"context":{"app_id":"hello-lambda",
		"acting_user":{"id":"u1","username":"alice"}}}`}},
	{"greet_acting_user", Event{Path: "/greet", Body: `{"path":"/greet","expand":{"acting_user":"summary"},"context":{"app_id":"hello-lambda",
		"location":"/channel_header/send","acting_user":{"id":"u1","username":"alice"}}}`}},
	{"greet_acting_user_null", Event{Path: "/greet", Body: `{"path":"/greet","context":{"app_id":"hello-lambda","acting_user":null}}`}},
	{"survey_form", Event{Path: "/survey/form", Body: `{"path":"/survey/form","context":{"app_id":"hello-lambda","location":"/command/hello/survey"}}`}},
	{"survey_submit", Event{Path: "/survey/submit", Body: `{"path":"/survey/submit","expand":{"acting_user":"summary"},
		"values":{"comment":"All good","rating":{"label":"Great","value":"great"},"subscribe":true},
		"context":{"app_id":"hello-lambda","acting_user":{"id":"u1","username":"alice"}}}`}},
	{"survey_submit_errors", Event{Path: "/survey/submit", Body: `{"path":"/survey/submit","values":{"comment":"  ","rating":"superb"},
		"context":{"app_id":"hello-lambda"}}`}},
	{"echo", Event{Path: "/echo", Body: `{"path":"/echo","expand":{"post":"summary"},"context":{"app_id":"hello-lambda","post_id":"p1",
		"post":{"id":"p1","message":"hi\nthere","user_id":"u2","channel_id":"c1","create_at":1}}}`}},
	{"echo_without_post", Event{Path: "/echo", Body: `{"path":"/echo","context":{"app_id":"hello-lambda"}}`}},
	{"pick_form", Event{Path: "/pick", Body: `{"path":"/pick","context":{"app_id":"hello-lambda","location":"/channel_header/pick"}}`}},
	{"pick_topic", Event{Path: "/pick", Body: `{"path":"/pick","values":{"topic":{"label":"Rust","value":"rust"},
		"also":[{"label":"Cooking","value":"cooking"},{"label":"x","value":"nope"},{"label":"Go","value":"go"}]},"context":{"app_id":"hello-lambda"}}`}},
	{"pick_unknown_topic", Event{Path: "/pick", Body: `{"path":"/pick","values":{"topic":"knitting"},"context":{"app_id":"hello-lambda"}}`}},
	{"topics_r", Event{Path: "/topics", Body: `{"path":"/topics","selected_field":"topic","query":"r","context":{"app_id":"hello-lambda"}}`}},
	{"topics_none", Event{Path: "/topics", Body: `{"path":"/topics","selected_field":"topic","query":"knit","context":{"app_id":"hello-lambda"}}`}},
	{"webhook_url_admin", Event{Path: "/webhook-url", Body: `{"path":"/webhook-url","expand":{"app":"all","acting_user":"all"},
		"context":{"app_id":"hello-lambda","mattermost_site_url":"https://mm.example.com","app_path":"/plugins/lambda-apps/apps/hello-lambda",
		"app":{"app_id":"hello-lambda","webhook_secret":"s3cret","version":"0.1.0"},
		"acting_user":{"id":"u1","username":"root","roles":"system_user system_admin"}}}`}},
	{"webhook_url_user", Event{Path: "/webhook-url", Body: `{"path":"/webhook-url","context":{"app_id":"hello-lambda",
		"app":{"app_id":"hello-lambda","webhook_secret":"s3cret"},"acting_user":{"id":"u2","username":"bob","roles":"system_user"}}}`}},
	{"webhook_url_no_secret", Event{Path: "/webhook-url", Body: `{"path":"/webhook-url","context":{"app_id":"hello-lambda",
		"app":{"app_id":"hello-lambda"},"acting_user":{"id":"u1","username":"root","roles":"system_admin"}}}`}},
	{"webhook_notify", Event{Path: "/webhook/notify", Body: `{"path":"/webhook/notify","values":{"data":{"user_id":"u1","text":"disk full"}},
		"context":{"app_id":"hello-lambda","mattermost_site_url":"{{MM}}","bot_user_id":"bot1","bot_access_token":"tok"}}`}},
	{"webhook_notify_bad_data", Event{Path: "/webhook/notify", Body: `{"path":"/webhook/notify","values":{"data":"hello"},"context":{"app_id":"hello-lambda"}}`}},
	{"webhook_notify_refused", Event{Path: "/webhook/notify", Body: `{"path":"/webhook/notify","values":{"data":{"user_id":"u1","text":"x"}},
		"context":{"app_id":"hello-lambda","mattermost_site_url":"{{MM}}/nope","bot_access_token":"t"}}`}},
	{"oauth2_configure", Event{Path: "/oauth2/configure", Body: `{"path":"/oauth2/configure","values":{"remote_root_url":"{{MM}}/remote","client_id":"cid","client_secret":"cs"},
		"context":{"app_id":"hello-lambda","mattermost_site_url":"{{MM}}","app_path":"/plugins/lambda-apps/apps/hello-lambda","acting_user_access_token":"tok",
		"acting_user":{"id":"u1","username":"root","roles":"system_user system_admin"}}}`}},
	{"oauth2_configure_user", Event{Path: "/oauth2/configure", Body: `{"path":"/oauth2/configure","values":{"remote_root_url":"{{MM}}/remote","client_id":"cid","client_secret":"cs"},
		"context":{"app_id":"hello-lambda","acting_user":{"id":"u2","username":"bob","roles":"system_user"}}}`}},
	{"oauth2_connect", Event{Path: "/oauth2/connect", Body: `{"path":"/oauth2/connect","values":{"state":"st-1"},"context":{"app_id":"hello-lambda",
		"oauth2":{"remote_root_url":"https://remote.example.com","client_id":"cid","client_secret":"cs",
		"connect_url":"https://mm.example.com/plugins/lambda-apps/apps/hello-lambda/oauth2/remote/connect",
		"complete_url":"https://mm.example.com/plugins/lambda-apps/apps/hello-lambda/oauth2/remote/complete"}}}`}},
	{"oauth2_connect_unconfigured", Event{Path: "/oauth2/connect", Body: `{"path":"/oauth2/connect","values":{"state":"st-1"},"context":{"app_id":"hello-lambda"}}`}},
	{"oauth2_complete", Event{Path: "/oauth2/complete", Body: `{"path":"/oauth2/complete","values":{"code":"good","state":"st-1"},
		"context":{"app_id":"hello-lambda","mattermost_site_url":"{{MM}}","app_path":"/plugins/lambda-apps/apps/hello-lambda","acting_user_access_token":"tok",
		"oauth2":{"remote_root_url":"{{MM}}/remote","client_id":"cid","client_secret":"cs",
		"complete_url":"{{MM}}/plugins/lambda-apps/apps/hello-lambda/oauth2/remote/complete"}}}`}},
	{"oauth2_complete_denied", Event{Path: "/oauth2/complete", Body: `{"path":"/oauth2/complete","values":{"error":"access_denied","state":"st-1"},
		"context":{"app_id":"hello-lambda"}}`}},
	{"oauth2_me", Event{Path: "/oauth2/me", Body: `{"path":"/oauth2/me","expand":{"oauth2_user":"all"},"context":{"app_id":"hello-lambda",
		"oauth2":{"user":{"remote_user":"remote-alice","access_token":"at-1"}}}}`}},
	{"oauth2_me_not_connected", Event{Path: "/oauth2/me", Body: `{"path":"/oauth2/me","context":{"app_id":"hello-lambda"}}`}},
	{"alert", Event{Path: "/alert", Body: `{"path":"/alert","context":{"app_id":"hello-lambda","channel_id":"c1","mattermost_site_url":"{{MM}}",
		"bot_user_id":"bot1","bot_access_token":"tok","location":"/command/hello/alert"}}`}},
	{"alert_refused", Event{Path: "/alert", Body: `{"path":"/alert","context":{"app_id":"hello-lambda","channel_id":"c1","mattermost_site_url":"{{MM}}/nope","bot_access_token":"t"}}`}},
	{"alert_without_token", Event{Path: "/alert", Body: `{"path":"/alert","context":{"app_id":"hello-lambda","channel_id":"c1"}}`}},
	{"alert_ack", Event{Path: "/alert/ack", Body: `{"path":"/alert/ack","expand":{"acting_user":"summary","post":"summary"},"context":{"app_id":"hello-lambda",
		"location":"/in_post/alert/ack","post_id":"p1","acting_user":{"id":"u1","username":"alice"},
		"post":{"id":"p1","message":"Alert: disk almost full on db1","user_id":"bot1","channel_id":"c1"}}}`}},
	{"alert_ack_again", Event{Path: "/alert/ack", Body: `{"path":"/alert/ack","context":{"app_id":"hello-lambda","location":"/in_post/alert/ack",
		"acting_user":{"id":"u2","username":"bob"},"post":{"id":"p1","message":"Alert: disk almost full on db1\nAcknowledged by @alice."}}}`}},
	{"alert_snooze", Event{Path: "/alert/snooze", Body: `{"path":"/alert/snooze","context":{"app_id":"hello-lambda","location":"/in_post/alert/snooze"}}`}},
	{"alert_snooze_submit", Event{Path: "/alert/snooze/submit", Body: `{"path":"/alert/snooze/submit","values":{"minutes":{"label":"1 hour","value":"60"}},"context":{"app_id":"hello-lambda"}}`}},
	{"alert_snooze_submit_empty", Event{Path: "/alert/snooze/submit", Body: `{"path":"/alert/snooze/submit","context":{"app_id":"hello-lambda"}}`}},
	{"alert_severity_high", Event{Path: "/alert/severity", Body: `{"path":"/alert/severity","context":{"app_id":"hello-lambda","location":"/in_post/alert/severity/high"}}`}},
	{"alert_severity_unknown", Event{Path: "/alert/severity", Body: `{"path":"/alert/severity","context":{"app_id":"hello-lambda","location":"/in_post/alert/severity/urgent"}}`}},
	{"fail", Event{Path: "/fail", Body: `{"path":"/fail","context":{"app_id":"hello-lambda"}}`}},
	{"slow", Event{Path: "/slow", Body: `{"path":"/slow","values":{"seconds":0},"context":{"app_id":"hello-lambda"}}`}},
	{"unknown_path", Event{Path: "/nope", Body: `{}`}},
	{"body_not_json", Event{Path: "/ping", Body: `{`}},
	{"bad_base64", Event{Path: "/greet", Body: "%%%", IsBase64Encoded: true}},
	{"empty_body", Event{Path: "/ping"}},
}

// TestGoldenResponses checks the whole Lambda response (status, headers and
// the CallResponse JSON) of every case against its golden file. Key order
// within JSON objects is not compared. Run with -update to rewrite them.
func TestGoldenResponses(t *testing.T) {
	srv := httptest.NewServer(&fakeMattermost{})
	defer srv.Close()
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			ev := tc.ev
			ev.Body = strings.ReplaceAll(ev.Body, "{{MM}}", srv.URL)
			resp := invoke(t, ev)
			require.True(t, json.Valid([]byte(resp.Body)), "body %s", resp.Body)
			got, err := json.MarshalIndent(struct {
				StatusCode int               `json:"statusCode"`
				Headers    map[string]string `json:"headers"`
				Body       json.RawMessage   `json:"body"`
			}{resp.StatusCode, resp.Headers, json.RawMessage(resp.Body)}, "", "  ")
			require.NoError(t, err)
			got = append(bytes.ReplaceAll(got, []byte(srv.URL), []byte("{{MM}}")), '\n')

			file := filepath.Join("testdata", "golden", tc.name+".json")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
				require.NoError(t, os.WriteFile(file, got, 0o644))
				return
			}
			want, err := os.ReadFile(file)
			require.NoError(t, err, "run go test -run TestGoldenResponses -update to create it")
			assert.JSONEq(t, string(want), string(got))
		})
	}
}

// TestGoldenFilesAreUsed makes sure no golden file is left without a case.
func TestGoldenFilesAreUsed(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.json"))
	require.NoError(t, err)
	names := map[string]bool{}
	for _, tc := range goldenCases {
		names[tc.name+".json"] = true
	}
	require.Len(t, files, len(goldenCases))
	for _, f := range files {
		assert.True(t, names[filepath.Base(f)], "%s has no case", f)
	}
}

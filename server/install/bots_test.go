package install

import (
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEnsureBot(t *testing.T) {
	const (
		otherPlugin = "com.example.other-plugin"
		personID    = "abcdefghijklmnopqrstuvwxyz" // a user who made a bot
		wantDesc    = "Bot account of the Hello app (hello), managed by Lambda Apps."
	)
	tests := []struct {
		name string
		// setup prepares the server and returns the ID of the bot the app
		// should get ("" when a new one is created).
		setup    func(t *testing.T, mm *fakeMM, req *botRequest) string
		want     string // the bot's username
		wantNote string // "" when there is none
		wantErr  string
	}{
		{
			name:  "new bot",
			setup: func(*testing.T, *fakeMM, *botRequest) string { return "" },
			want:  "hello",
		},
		{
			name: "bot owned by us is reused",
			setup: func(_ *testing.T, mm *fakeMM, _ *botRequest) string {
				return mm.addBot("hello", PluginID, false)
			},
			want: "hello",
		},
		{
			name: "deactivated bot owned by us is reused and reactivated",
			setup: func(_ *testing.T, mm *fakeMM, _ *botRequest) string {
				return mm.addBot("hello", PluginID, true)
			},
			want: "hello",
		},
		{
			name: "bot of another plugin: fallback",
			setup: func(_ *testing.T, mm *fakeMM, _ *botRequest) string {
				mm.addBot("hello", otherPlugin, false)
				return ""
			},
			want:     "hello-app",
			wantNote: "The username @hello belongs to a bot that Lambda Apps does not own; the app's bot is @hello-app.",
		},
		{
			name: "deactivated bot of another plugin: fallback, not reactivated",
			setup: func(_ *testing.T, mm *fakeMM, _ *botRequest) string {
				mm.addBot("hello", otherPlugin, true)
				return ""
			},
			want:     "hello-app",
			wantNote: "The username @hello belongs to a bot that Lambda Apps does not own; the app's bot is @hello-app.",
		},
		{
			name: "bot a person created: fallback",
			setup: func(_ *testing.T, mm *fakeMM, _ *botRequest) string {
				mm.addBot("hello", personID, false)
				return ""
			},
			want:     "hello-app",
			wantNote: "The username @hello belongs to a bot that Lambda Apps does not own; the app's bot is @hello-app.",
		},
		{
			name: "person: fallback",
			setup: func(_ *testing.T, mm *fakeMM, _ *botRequest) string {
				mm.addPerson("hello")
				return ""
			},
			want:     "hello-app",
			wantNote: "The username @hello belongs to a person; the app's bot is @hello-app.",
		},
		{
			name: "our bot under the fallback name is reused",
			setup: func(_ *testing.T, mm *fakeMM, _ *botRequest) string {
				mm.addPerson("hello")
				return mm.addBot("hello-app", PluginID, true)
			},
			want:     "hello-app",
			wantNote: "The username @hello belongs to a person; the app's bot is @hello-app.",
		},
		{
			name: "both taken: numeric suffix",
			setup: func(_ *testing.T, mm *fakeMM, _ *botRequest) string {
				mm.addPerson("hello")
				mm.addBot("hello-app", otherPlugin, false)
				return ""
			},
			want:     "hello-app-2",
			wantNote: "The usernames are taken: @hello belongs to a person, @hello-app belongs to a bot that Lambda Apps does not own; the app's bot is @hello-app-2.",
		},
		{
			name: "bot of another installed app: fallback",
			setup: func(_ *testing.T, mm *fakeMM, req *botRequest) string {
				req.Claimed = map[string]string{mm.addBot("hello", PluginID, false): "other-app"}
				return ""
			},
			want:     "hello-app",
			wantNote: "The username @hello is the bot of the installed app `other-app`; the app's bot is @hello-app.",
		},
		{
			name: "the app's current bot is kept",
			setup: func(_ *testing.T, mm *fakeMM, req *botRequest) string {
				req.Current = mm.addBot("hello-app-3", PluginID, false)
				return req.Current
			},
			want: "hello-app-3",
		},
		{
			name: "the app's current bot is not kept once another owner has it",
			setup: func(_ *testing.T, mm *fakeMM, req *botRequest) string {
				req.Current = mm.addBot("hello-app", otherPlugin, false)
				return ""
			},
			want: "hello",
		},
		{
			name: "race: another plugin creates the name first",
			setup: func(_ *testing.T, mm *fakeMM, _ *botRequest) string {
				mm.beforeCreate = func(username string) {
					if username == "hello" {
						mm.addBot("hello", otherPlugin, false)
					}
				}
				return ""
			},
			want:     "hello-app",
			wantNote: "The username @hello belongs to a bot that Lambda Apps does not own; the app's bot is @hello-app.",
		},
		{
			name: "race: a person takes the name first",
			setup: func(_ *testing.T, mm *fakeMM, _ *botRequest) string {
				mm.beforeCreate = func(username string) {
					if username == "hello" {
						mm.addPerson("hello")
					}
				}
				return ""
			},
			want:     "hello-app",
			wantNote: "The username @hello belongs to a person; the app's bot is @hello-app.",
		},
		{
			name: "race: another node creates our bot first",
			setup: func(_ *testing.T, mm *fakeMM, _ *botRequest) string {
				var id string
				mm.beforeCreate = func(username string) {
					if id == "" {
						id = mm.addBot(username, PluginID, false)
					}
				}
				return "bot1" // the first bot the fake creates
			},
			want: "hello",
		},
		{
			name: "every name taken",
			setup: func(_ *testing.T, mm *fakeMM, _ *botRequest) string {
				for i, name := range botUsernames("hello") {
					if i%2 == 0 {
						mm.addPerson(name)
					} else {
						mm.addBot(name, otherPlugin, false)
					}
				}
				return ""
			},
			wantErr: "no username is free for the app's bot (@hello to @hello-app-9): @hello belongs to a person; @hello-app belongs to a bot that Lambda Apps does not own;",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mm := newFakeMM()
			req := botRequest{AppID: "hello", DisplayName: "Hello"}
			wantID := tt.setup(t, mm, &req)
			before := map[string]model.Bot{}
			for id, b := range mm.bots {
				before[id] = *b
			}

			bot, notes, err := ensureBot(mm, req)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				assert.Nil(t, bot)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, bot.Username)
			if wantID != "" {
				assert.Equal(t, wantID, bot.UserId, "the existing bot is reused")
			} else {
				assert.NotContains(t, before, bot.UserId, "a new bot is created")
			}
			if tt.wantNote == "" {
				assert.Empty(t, notes)
			} else {
				assert.Equal(t, []string{tt.wantNote}, notes)
			}

			got := mm.bot(bot.UserId)
			assert.Equal(t, PluginID, got.OwnerId, "the app's bot is the plugin's")
			assert.Zero(t, got.DeleteAt, "the app's bot is active")
			assert.Equal(t, "Hello", got.DisplayName)
			assert.Equal(t, wantDesc, got.Description)
			for id, b := range before {
				if id != bot.UserId {
					assert.Equal(t, b, mm.bot(id), "bot @%s is left alone", b.Username)
				}
			}
		})
	}
}

func TestBotUsernamesStayValid(t *testing.T) {
	for _, appID := range []string{
		"hello",
		strings.Repeat("a", 200),
		"com.example." + strings.Repeat("Long_Name+", 10),
		"9lives",
		"all", // reserved: skipped, the fallbacks are fine
	} {
		names := botUsernames(BotUsername(appID))
		require.Len(t, names, MaxBotUsernameSuffix+1, appID)
		seen := map[string]bool{}
		for i, name := range names {
			assert.LessOrEqual(t, len(name), model.UserNameMaxLength, name)
			if i > 0 || appID != "all" {
				assert.True(t, model.IsValidUsername(name), "%q is a valid username", name)
			}
			assert.False(t, seen[name], "%q is tried once", name)
			seen[name] = true
		}
	}
	long := botUsernames(BotUsername(strings.Repeat("a", 200)))
	assert.Equal(t, strings.Repeat("a", 60)+"-app", long[1])
	assert.Equal(t, strings.Repeat("a", 58)+"-app-9", long[9])

	mm := newFakeMM()
	bot, notes, err := ensureBot(mm, botRequest{AppID: "all", DisplayName: "All"})
	require.NoError(t, err)
	assert.Equal(t, "all-app", bot.Username)
	assert.Equal(t, []string{"The username @all is not a valid username; the app's bot is @all-app."}, notes)
	assert.Equal(t, 1, mm.creates, "no bot is created with an invalid username")
}

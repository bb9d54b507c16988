package install

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"

	lambdaapps "github.com/lambda-apps/lambda-apps"
)

// ErrNotFound is what the Mattermost API adapter returns for missing users.
var ErrNotFound = errors.New("not found")

// PluginID is the plugin's id. The server makes it the OwnerId of the bots
// the plugin creates (PluginAPI.CreateBot fills in the calling plugin's id
// when OwnerId is empty); install sets it explicitly all the same. Install
// reuses an existing bot account only when its OwnerId is PluginID.
var PluginID = lambdaapps.PluginID

// MaxBotUsernameSuffix bounds the fallback usernames install tries for an
// app's bot: <name>, <name>-app, then <name>-app-2 … <name>-app-9.
const MaxBotUsernameSuffix = 9

// MattermostAPI is the part of the Mattermost plugin API the install flow
// uses for bot accounts.
type MattermostAPI interface {
	GetUserByUsername(username string) (*model.User, error) // ErrNotFound when missing
	GetBot(botUserID string, includeDeleted bool) (*model.Bot, error)
	CreateBot(bot *model.Bot) (*model.Bot, error)
	PatchBot(botUserID string, patch *model.BotPatch) (*model.Bot, error)
	UpdateBotActive(botUserID string, active bool) (*model.Bot, error)
	SetProfileImage(userID string, data []byte) error
}

var invalidUsernameChars = regexp.MustCompile(`[^a-z0-9._-]+`)

// BotUsername is the bot's preferred username for an app: the lowercased app
// ID, made a valid Mattermost username.
func BotUsername(appID string) string {
	u := invalidUsernameChars.ReplaceAllString(strings.ToLower(appID), "-")
	if u == "" || u[0] < 'a' || u[0] > 'z' {
		u = "app-" + u
	}
	if len(u) > model.UserNameMaxLength-4 {
		u = u[:model.UserNameMaxLength-4]
	}
	return u
}

// botUsernames are the usernames install tries for an app's bot, in order:
// the preferred name, "<name>-app", then "<name>-app-2" up to
// "<name>-app-<MaxBotUsernameSuffix>". The name is shortened where a suffix
// would make it longer than model.UserNameMaxLength.
func botUsernames(base string) []string {
	names := []string{base, withSuffix(base, "-app")}
	for i := 2; i <= MaxBotUsernameSuffix; i++ {
		names = append(names, withSuffix(base, fmt.Sprintf("-app-%d", i)))
	}
	return names
}

func withSuffix(base, suffix string) string {
	if n := model.UserNameMaxLength - len(suffix); len(base) > n {
		base = base[:n]
	}
	return base + suffix
}

// botRequest describes the bot account an app needs.
type botRequest struct {
	AppID       string
	DisplayName string
	// Current is the bot user ID the app already has (reinstall or
	// upgrade); it is kept while this plugin still owns it.
	Current string
	// Claimed maps the bot user IDs of the other installed apps to their
	// app IDs: those bots are never given to this app.
	Claimed map[string]string
}

// ensureBot creates or reuses the app's bot account and returns it with
// notes for the admin (why the bot does not have the preferred username).
//
// An existing bot is reused only when this plugin owns it (OwnerId is
// PluginID) and no other installed app uses it: a bot of another plugin, a
// bot a person created and a person's account are never taken over. Their
// usernames are skipped for the next of botUsernames. A reused bot that is
// deactivated is reactivated, and its display name and description follow
// the manifest.
func ensureBot(api MattermostAPI, req botRequest) (*model.Bot, []string, error) {
	desc := fmt.Sprintf("Bot account of the %s app (%s), managed by Lambda Apps.", req.DisplayName, req.AppID)
	if req.Current != "" {
		if bot, err := api.GetBot(req.Current, true); err == nil && bot.OwnerId == PluginID {
			bot, err = refreshBot(api, bot, req.DisplayName, desc)
			return bot, nil, err
		}
	}
	var skipped []string
	names := botUsernames(BotUsername(req.AppID))
	for _, username := range names {
		if !model.IsValidUsername(username) {
			skipped = append(skipped, fmt.Sprintf("@%s is not a valid username", username))
			continue
		}
		bot, why, err := claimUsername(api, req, username, desc)
		if err != nil {
			return nil, nil, err
		}
		if why != "" {
			skipped = append(skipped, fmt.Sprintf("@%s %s", username, why))
			continue
		}
		return bot, fallbackNote(skipped, bot.Username), nil
	}
	return nil, nil, fmt.Errorf("no username is free for the app's bot (@%s to @%s): %s; delete or rename one of these accounts to install the app",
		names[0], names[len(names)-1], strings.Join(skipped, "; "))
}

// fallbackNote tells the admin why the app's bot is not the preferred name.
func fallbackNote(skipped []string, username string) []string {
	switch len(skipped) {
	case 0:
		return nil
	case 1:
		return []string{fmt.Sprintf("The username %s; the app's bot is @%s.", skipped[0], username)}
	}
	return []string{fmt.Sprintf("The usernames are taken: %s; the app's bot is @%s.", strings.Join(skipped, ", "), username)}
}

// claimUsername creates a bot with username, or reuses the bot that has it
// if this plugin owns it. why says why the name cannot be used (bot is nil
// then); err is a failure of the Mattermost API.
func claimUsername(api MattermostAPI, req botRequest, username, desc string) (bot *model.Bot, why string, err error) {
	user, err := api.GetUserByUsername(username)
	if errors.Is(err, ErrNotFound) {
		created, cerr := api.CreateBot(&model.Bot{Username: username, DisplayName: req.DisplayName, Description: desc, OwnerId: PluginID})
		if cerr == nil {
			return created, "", nil
		}
		// Someone may have taken the name a moment ago: another node
		// installing the same app, another plugin or a person. The
		// ownership rule below decides.
		if user, err = api.GetUserByUsername(username); err != nil {
			return nil, "", fmt.Errorf("create bot account @%s: %w (check that bot account creation is enabled in the System Console)", username, cerr)
		}
	}
	if err != nil {
		return nil, "", fmt.Errorf("look up user @%s: %w", username, err)
	}
	if !user.IsBot {
		return nil, "belongs to a person", nil
	}
	existing, err := api.GetBot(user.Id, true)
	if err != nil {
		return nil, "", fmt.Errorf("read bot @%s: %w", username, err)
	}
	if existing.OwnerId != PluginID {
		return nil, "belongs to a bot that Lambda Apps does not own", nil
	}
	if other, ok := req.Claimed[existing.UserId]; ok {
		return nil, fmt.Sprintf("is the bot of the installed app `%s`", other), nil
	}
	bot, err = refreshBot(api, existing, req.DisplayName, desc)
	return bot, "", err
}

// refreshBot reactivates a bot this plugin owns and makes its display name
// and description follow the manifest.
func refreshBot(api MattermostAPI, bot *model.Bot, displayName, desc string) (*model.Bot, error) {
	username := bot.Username
	if bot.DeleteAt != 0 {
		active, err := api.UpdateBotActive(bot.UserId, true)
		if err != nil {
			return nil, fmt.Errorf("reactivate bot @%s: %w", username, err)
		}
		bot = active
	}
	if bot.DisplayName != displayName || bot.Description != desc {
		patched, err := api.PatchBot(bot.UserId, &model.BotPatch{DisplayName: &displayName, Description: &desc})
		if err != nil {
			return nil, fmt.Errorf("update bot @%s: %w", username, err)
		}
		bot = patched
	}
	return bot, nil
}

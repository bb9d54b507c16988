package install

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
)

// ErrNotFound is what the Mattermost API adapter returns for missing users.
var ErrNotFound = errors.New("not found")

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

// ensureBot creates or reuses the app's bot account: the lowercased app ID,
// or "<id>-app" when a person already has that name; a deactivated bot is
// reactivated, and its display name and description follow the manifest.
func ensureBot(api MattermostAPI, appID, displayName string) (*model.Bot, error) {
	desc := fmt.Sprintf("Bot account of the %s app (%s), managed by Lambda Apps.", displayName, appID)
	base := BotUsername(appID)
	for _, username := range []string{base, base + "-app"} {
		user, err := api.GetUserByUsername(username)
		if errors.Is(err, ErrNotFound) {
			bot, cerr := api.CreateBot(&model.Bot{Username: username, DisplayName: displayName, Description: desc})
			if cerr == nil {
				return bot, nil
			}
			// Another admin or node may have created it a moment ago.
			if user, err = api.GetUserByUsername(username); err != nil {
				return nil, fmt.Errorf("create bot account @%s: %w (check that bot account creation is enabled in the System Console)", username, cerr)
			}
		}
		switch {
		case err != nil:
			return nil, fmt.Errorf("look up user @%s: %w", username, err)
		case !user.IsBot:
			continue // a person owns this name: try the next one
		}
		bot, err := api.GetBot(user.Id, true)
		if err != nil {
			return nil, fmt.Errorf("read bot @%s: %w", username, err)
		}
		if bot.DeleteAt != 0 {
			if bot, err = api.UpdateBotActive(bot.UserId, true); err != nil {
				return nil, fmt.Errorf("reactivate bot @%s: %w", username, err)
			}
		}
		if bot.DisplayName != displayName || bot.Description != desc {
			if bot, err = api.PatchBot(bot.UserId, &model.BotPatch{DisplayName: &displayName, Description: &desc}); err != nil {
				return nil, fmt.Errorf("update bot @%s: %w", username, err)
			}
		}
		return bot, nil
	}
	return nil, fmt.Errorf("both @%s and @%s-app belong to people; rename one of them to install the app", base, base)
}

package install

import (
	"context"
	"fmt"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/failure"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// ErrNoChange is returned when the app is already in the wanted state.
var ErrNoChange = failure.New(failure.Conflict, "nothing to do")

// Enable lets an app be called again and runs its on_enable.
func (s *Service) Enable(ctx context.Context, appID apps.AppID, actingUserID string) (*Result, error) {
	return s.setEnabled(ctx, appID, actingUserID, true)
}

// Disable stops all calls to an app (its record and data stay) and runs its
// on_disable first.
func (s *Service) Disable(ctx context.Context, appID apps.AppID, actingUserID string) (*Result, error) {
	return s.setEnabled(ctx, appID, actingUserID, false)
}

func (s *Service) setEnabled(ctx context.Context, appID apps.AppID, actingUserID string, enable bool) (*Result, error) {
	app, err := s.Apps.Get(appID)
	if err != nil {
		return nil, err
	}
	verb := map[bool]string{true: "enabled", false: "disabled"}[enable]
	if app.Enabled() == enable {
		return nil, fmt.Errorf("%w: app %s is already %s", ErrNoChange, appID, verb)
	}
	res := &Result{}
	if !enable {
		// The app hears about it while it can still be called.
		s.lifecycleCall(ctx, app, app.Manifest.OnDisable, actingUserID, "on_disable", res, nil)
	}
	saved, err := s.Apps.Update(appID, func(cur *store.InstalledApp) (*store.InstalledApp, error) {
		if cur == nil {
			return nil, fmt.Errorf("%s: %w", appID, store.ErrNotFound)
		}
		cur.Disabled = !enable
		cur.UpdatedAt = s.Now().UTC()
		return cur, nil
	})
	if err != nil {
		return nil, err
	}
	if app.BotUserID != "" {
		if _, err := s.API.UpdateBotActive(app.BotUserID, enable); err != nil {
			res.say("Warning: could not %s the bot account: %s", map[bool]string{true: "activate", false: "deactivate"}[enable], err.Error())
		}
	}
	res.App = saved
	notes := s.changed(ctx, appID)
	res.Messages = append(append([]string{fmt.Sprintf("App `%s` is %s.", appID, verb)}, res.Messages...), notes...)
	if enable {
		s.lifecycleCall(ctx, saved, saved.Manifest.OnEnable, actingUserID, "on_enable", res, nil)
	}
	s.Log.Info("App "+verb, "app_id", string(appID), "by", actingUserID)
	return res, nil
}

// Uninstall runs the app's on_uninstall, deactivates its bot, removes its
// stored data and record. The app's slash commands go with it (OnChange).
func (s *Service) Uninstall(ctx context.Context, appID apps.AppID, actingUserID string) (*Result, error) {
	app, err := s.Apps.Get(appID)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	if app.Enabled() {
		s.lifecycleCall(ctx, app, app.Manifest.OnUninstall, actingUserID, "on_uninstall", res, nil)
	}
	if app.BotUserID != "" {
		if _, err := s.API.UpdateBotActive(app.BotUserID, false); err != nil {
			res.say("Warning: could not deactivate the bot account @%s: %s", app.BotUsername, err.Error())
		}
	}
	if err := s.Apps.DeleteAppData(appID); err != nil {
		res.say("Warning: could not delete all of the app's stored data: %s", err.Error())
	}
	if err := s.Apps.Delete(appID); err != nil {
		return nil, err
	}
	s.changed(ctx, appID)
	res.Messages = append([]string{fmt.Sprintf("Uninstalled app `%s` (%s).", appID, app.Manifest.DisplayName)}, res.Messages...)
	s.Log.Info("App uninstalled", "app_id", string(appID), "by", actingUserID)
	return res, nil
}

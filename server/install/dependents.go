package install

import (
	"context"

	"github.com/lambda-apps/lambda-apps/apps"
)

// Dependents are the services that keep state derived from an app's
// record; AppChanged brings them up to date after an app was installed,
// upgraded, enabled, disabled or uninstalled (Deps.OnChange).
type Dependents struct {
	// Bindings drops cached bindings and tells clients to fetch them again.
	Bindings interface{ Refresh(userID string) }
	// Tokens revokes the access tokens issued to the app.
	Tokens interface{ RevokeApp(appID apps.AppID) error }
	// Commands registers the app's slash commands again (or removes them).
	Commands interface {
		SyncApp(ctx context.Context, appID apps.AppID) ([]string, error)
	}
	// Subscriptions (may be nil) forgets its index of subscriptions: an
	// uninstalled app's are gone with its data.
	Subscriptions interface{ Invalidate() }
	Log           Logger
}

// AppChanged updates the dependents of appID and returns what the admin
// should be told (commands that could not be registered).
func (d *Dependents) AppChanged(ctx context.Context, appID apps.AppID) []string {
	// Disabled, uninstalled or upgraded: the app's tokens end now (an
	// enabled app had none left; a new install has none yet).
	if err := d.Tokens.RevokeApp(appID); err != nil {
		d.Log.Warn("Could not revoke an app's access tokens; they end with their lifetime", "app_id", string(appID), "error", err.Error())
	}
	problems, err := d.Commands.SyncApp(ctx, appID)
	if err != nil {
		problems = append(problems, "Warning: the app's slash commands could not be registered: "+err.Error())
	}
	d.Bindings.Refresh("") // every user's bindings may differ
	if d.Subscriptions != nil {
		d.Subscriptions.Invalidate()
	}
	return problems
}

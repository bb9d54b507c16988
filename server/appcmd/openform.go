package appcmd

import (
	"context"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/dialog"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// OpenForm opens an app's form, the answer to a call that did not come
// from a command (a click on an in-post button), as the same dialog a
// command's form gets: state sealed for userID, dynamic selects looked up.
func (s *Service) OpenForm(ctx context.Context, app *store.InstalledApp, userID, triggerID string, where dialog.Where, form *apps.Form) error {
	if s.openDynamicDialog(app, userID, triggerID, where, form) {
		return nil
	}
	d, err := s.dialogWithChoices(ctx, app, userID, where, form)
	if err != nil {
		return err
	}
	return s.API.OpenInteractiveDialog(model.OpenDialogRequest{TriggerId: triggerID, URL: s.DialogURL, Dialog: d})
}

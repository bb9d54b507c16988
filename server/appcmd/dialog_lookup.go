package appcmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/dialog"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// ErrBadLookup is a dialog lookup request that is not for one of this
// plugin's dynamic selects.
var ErrBadLookup = errors.New("not a lookup of a Lambda Apps form")

// openDynamicDialog opens an app's form as a dialog whose dynamic_select
// fields the client looks up as the user types, where the clients can
// (Mattermost 11 dialogs). It reports false when it did not open one: the
// form has no such field, the clients cannot, or the server refused the
// dynamic selects (a version that predates them); the caller then opens
// the dialog with choices looked up beforehand.
func (s *Service) openDynamicDialog(app *store.InstalledApp, userID, triggerID string, where dialog.Where, form *apps.Form) bool {
	if s.DialogLookupURL == "" || s.DialogForms == nil || !hasDynamicLookup(form) || !s.DialogForms() {
		return false
	}
	d, err := s.sealedDialog(app, userID, where, form, s.DialogLookupURL)
	if err == nil {
		err = s.API.OpenInteractiveDialog(model.OpenDialogRequest{TriggerId: triggerID, URL: s.DialogURL, Dialog: d})
	}
	if err != nil {
		s.Log.Warn("Could not open a dialog with dynamic selects; looking the choices up instead", "app_id", string(app.ID()), "error", err.Error())
		return false
	}
	return true
}

func hasDynamicLookup(form *apps.Form) bool {
	for _, f := range form.Fields {
		if f.Type == apps.FieldTypeDynamicSelect && f.Lookup != nil && len(f.Options) == 0 && !f.ReadOnly {
			return true
		}
	}
	return false
}

// DialogLookup answers the server's lookup request for a dynamic select of
// an app form's dialog: the field's lookup call with what the user typed
// (submission "query") and the values entered so far. The state must be
// one the plugin sealed for this user.
func (s *Service) DialogLookup(ctx context.Context, userID string, req *model.SubmitDialogRequest) (*model.LookupDialogResponse, error) {
	st, err := s.Sealer.Open(userID, req.State)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadLookup, err)
	}
	if st.Kind != dialog.KindForm {
		return nil, ErrBadLookup
	}
	field, _ := req.Submission["selected_field"].(string)
	info, ok := st.Fields[field]
	if !ok || info.Lookup == nil {
		return nil, fmt.Errorf("%w: no dynamic field %q", ErrBadLookup, field)
	}
	app, err := s.Apps.Get(st.AppID)
	if err != nil {
		return nil, fmt.Errorf("the app %s is not installed", st.AppID)
	}
	query, _ := req.Submission["query"].(string)
	entered := map[string]any{}
	for k, v := range req.Submission {
		if k != "query" && k != "selected_field" {
			entered[k] = v
		}
	}
	values, _ := dialog.SubmissionValues(st, entered) // values not (yet) among the choices are left out
	items, err := s.lookup(ctx, lookupTarget{app: app, userID: userID, where: st.Where}, *info.Lookup, field, values, query)
	if err != nil {
		return nil, err
	}
	out := &model.LookupDialogResponse{Items: make([]model.DialogSelectOption, 0, min(len(items), MaxDialogOptions))}
	for _, it := range items[:min(len(items), MaxDialogOptions)] {
		out.Items = append(out.Items, model.DialogSelectOption{Text: it.Label, Value: it.Value})
	}
	return out, nil
}

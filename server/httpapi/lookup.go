package httpapi

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gorilla/mux"
	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/server/appcall"
	"github.com/lambda-apps/lambda-apps/server/appcmd"
	"github.com/lambda-apps/lambda-apps/server/failure"
	"github.com/lambda-apps/lambda-apps/server/httpjson"
)

// getLookup answers the server's autocomplete request for an app command's
// dynamic_select argument. A failure is one suggestion that says what went
// wrong (the server shows suggestions, not errors).
func (a *api) getLookup(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	req := appcmd.SuggestRequest{
		UserID: UserID(r), ChannelID: q.Get("channel_id"), TeamID: q.Get("team_id"), RootID: q.Get("root_id"),
		Token: mux.Vars(r)["token"], UserInput: q.Get("user_input"), Parsed: q.Get("parsed"),
	}
	items, err := a.Dialogs.Suggest(r.Context(), req)
	if errors.Is(err, appcall.ErrForbidden) {
		httpjson.Failure(w, err)
		return
	}
	if err != nil {
		a.Log.Warn("App command lookup failed", "user_id", req.UserID, "error", err.Error())
		items = []model.AutocompleteListItem{{Hint: "No choices", HelpText: "Could not load the choices: " + failure.Message(err)}}
	}
	httpjson.Write(w, http.StatusOK, items)
}

// postDialogLookup answers the server's lookup for a dynamic select of one
// of the plugin's dialogs. An app that fails answers no items (the dialog
// shows no choices); the failure is logged.
func (a *api) postDialogLookup(w http.ResponseWriter, r *http.Request) {
	var req model.SubmitDialogRequest
	if err := httpjson.DecodeBody(r, 1<<20, &req); err != nil {
		httpjson.Error(w, http.StatusBadRequest, fmt.Errorf("not a dialog lookup: %w", err))
		return
	}
	user := UserID(r)
	resp, err := a.Dialogs.DialogLookup(r.Context(), user, &req)
	switch {
	case errors.Is(err, appcmd.ErrBadLookup):
		httpjson.Error(w, http.StatusBadRequest, err)
		return
	case errors.Is(err, appcall.ErrForbidden):
		httpjson.Failure(w, err)
		return
	case err != nil:
		a.Log.Warn("Dialog lookup failed", "user_id", user, "error", err.Error())
		resp = &model.LookupDialogResponse{Items: []model.DialogSelectOption{}}
	}
	httpjson.Write(w, http.StatusOK, resp)
}

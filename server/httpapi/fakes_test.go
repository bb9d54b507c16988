package httpapi

import (
	"context"
	"net/http"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/appcmd"
	"github.com/lambda-apps/lambda-apps/server/bindings"
	"github.com/lambda-apps/lambda-apps/server/status"
)

// Function-backed stand-ins for the services, for route tests.

type statusFunc func(context.Context) status.Report

func (f statusFunc) Report(ctx context.Context) status.Report { return f(ctx) }

type adminsFunc func(string) bool

func (f adminsFunc) IsSystemAdmin(userID string) bool { return f(userID) }

type bindingsFunc func(context.Context, bindings.Where) ([]apps.Binding, error)

func (f bindingsFunc) ForUser(ctx context.Context, w bindings.Where) ([]apps.Binding, error) {
	return f(ctx, w)
}

type webhooksFunc func(http.ResponseWriter, *http.Request, apps.AppID, string)

func (f webhooksFunc) Serve(w http.ResponseWriter, r *http.Request, id apps.AppID, rest string) {
	f(w, r, id, rest)
}

type fakeDialogs struct {
	submit  func(context.Context, string, *model.SubmitDialogRequest) *model.SubmitDialogResponse
	lookup  func(context.Context, string, *model.SubmitDialogRequest) (*model.LookupDialogResponse, error)
	suggest func(context.Context, appcmd.SuggestRequest) ([]model.AutocompleteListItem, error)
}

func (f fakeDialogs) SubmitDialog(ctx context.Context, userID string, req *model.SubmitDialogRequest) *model.SubmitDialogResponse {
	return f.submit(ctx, userID, req)
}

func (f fakeDialogs) DialogLookup(ctx context.Context, userID string, req *model.SubmitDialogRequest) (*model.LookupDialogResponse, error) {
	return f.lookup(ctx, userID, req)
}

func (f fakeDialogs) Suggest(ctx context.Context, req appcmd.SuggestRequest) ([]model.AutocompleteListItem, error) {
	return f.suggest(ctx, req)
}

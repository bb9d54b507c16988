package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/failure"
	"github.com/lambda-apps/lambda-apps/server/httpjson"
	"github.com/lambda-apps/lambda-apps/server/install"
)

// Lifecycle is the app lifecycle the admin routes drive.
type Lifecycle interface {
	Install(ctx context.Context, req install.Request) (*install.Result, error)
	Uninstall(ctx context.Context, appID apps.AppID, actingUserID string) (*install.Result, error)
	Enable(ctx context.Context, appID apps.AppID, actingUserID string) (*install.Result, error)
	Disable(ctx context.Context, appID apps.AppID, actingUserID string) (*install.Result, error)
}

type lifecycleRequest struct {
	AppID   apps.AppID      `json:"app_id"`
	Version apps.AppVersion `json:"version"`
	// Grant (install-app only, with Version) is the admin's consent to
	// what that version asks for. An upgrade or reinstall that asks for
	// permissions or locations the installed app was not granted needs it;
	// a first install does not.
	Grant bool `json:"grant"`
}

// CodeConsentRequired is the "code" of the answer (HTTP 409) to an
// install-app that needs "grant": true.
const CodeConsentRequired = "consent_required"

// consentRequired is the body of that answer: what the version asks for
// that the installed app was not granted.
type consentRequired struct {
	Error            string           `json:"error"`
	Code             string           `json:"code"`
	AppID            apps.AppID       `json:"app_id"`
	Version          apps.AppVersion  `json:"version"`
	InstalledVersion apps.AppVersion  `json:"installed_version"`
	NewPermissions   apps.Permissions `json:"new_permissions,omitempty"`
	NewLocations     apps.Locations   `json:"new_locations,omitempty"`
}

func (a *api) lifecycle(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req lifecycleRequest
		err := httpjson.DecodeBody(r, 64<<10, &req)
		if err != nil {
			httpjson.Error(w, http.StatusBadRequest, fmt.Errorf(`expected {"app_id": "...", "version": "..."}: %w`, err))
			return
		}
		if err := req.AppID.Validate(); err != nil {
			httpjson.Error(w, http.StatusBadRequest, fmt.Errorf("app_id: %w", err))
			return
		}
		switch {
		case req.Grant && step != "install":
			httpjson.Error(w, http.StatusBadRequest, fmt.Errorf(`"grant" is only for install-app, not %s-app`, step))
			return
		case req.Grant && req.Version == "":
			httpjson.Error(w, http.StatusBadRequest, errors.New(`"grant": true needs "version": the consent is to what one version of the app asks for`))
			return
		}
		user := UserID(r)
		var res *install.Result
		switch step {
		case "install":
			res, err = a.Lifecycle.Install(r.Context(), install.Request{AppID: req.AppID, Version: req.Version, ActingUserID: user, Grant: req.Grant})
		case "uninstall":
			res, err = a.Lifecycle.Uninstall(r.Context(), req.AppID, user)
		case "enable":
			res, err = a.Lifecycle.Enable(r.Context(), req.AppID, user)
		case "disable":
			res, err = a.Lifecycle.Disable(r.Context(), req.AppID, user)
		}
		var ce *install.ConsentError
		if errors.As(err, &ce) {
			// 409, not 403: the admin may install apps; this request
			// conflicts with what the installed app was granted, and the
			// same request with "grant": true succeeds.
			httpjson.Write(w, http.StatusConflict, consentRequired{
				Error: err.Error(), Code: CodeConsentRequired, AppID: ce.AppID, Version: ce.Version,
				InstalledVersion: ce.InstalledVersion, NewPermissions: ce.NewPermissions, NewLocations: ce.NewLocations,
			})
			return
		}
		if err != nil {
			if failure.KindOf(err) == failure.Internal {
				a.Log.Error("App lifecycle step failed", "step", step, "app_id", string(req.AppID), "error", err.Error())
			}
			httpjson.Error(w, failure.Status(err), err)
			return
		}
		httpjson.Write(w, http.StatusOK, res)
	}
}

package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/install"
	"github.com/lambda-apps/lambda-apps/server/store"
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
}

func (a *api) lifecycle(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req lifecycleRequest
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
		if err == nil {
			err = json.Unmarshal(body, &req)
		}
		if err != nil {
			WriteError(w, http.StatusBadRequest, fmt.Errorf(`expected {"app_id": "...", "version": "..."}: %w`, err))
			return
		}
		if err := req.AppID.Validate(); err != nil {
			WriteError(w, http.StatusBadRequest, fmt.Errorf("app_id: %w", err))
			return
		}
		user := UserID(r)
		var res *install.Result
		switch step {
		case "install":
			res, err = a.Lifecycle.Install(r.Context(), install.Request{AppID: req.AppID, Version: req.Version, ActingUserID: user})
		case "uninstall":
			res, err = a.Lifecycle.Uninstall(r.Context(), req.AppID, user)
		case "enable":
			res, err = a.Lifecycle.Enable(r.Context(), req.AppID, user)
		case "disable":
			res, err = a.Lifecycle.Disable(r.Context(), req.AppID, user)
		}
		if err != nil {
			WriteError(w, lifecycleStatus(err), err)
			return
		}
		WriteJSON(w, http.StatusOK, res)
	}
}

func lifecycleStatus(err error) int {
	switch {
	case errors.Is(err, install.ErrNotListed), errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, install.ErrUnsupported):
		return http.StatusBadRequest
	case errors.Is(err, install.ErrNoChange):
		return http.StatusConflict
	case errors.Is(err, install.ErrPing):
		return http.StatusBadGateway
	}
	return http.StatusInternalServerError
}

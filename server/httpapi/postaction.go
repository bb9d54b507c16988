package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/server/httpjson"
)

// PostActions handles clicks on the in-post bindings the plugin rendered
// as message attachments (postbindings.Service).
type PostActions interface {
	HandleAction(ctx context.Context, userID string, req *model.PostActionIntegrationRequest) (*model.PostActionIntegrationResponse, error)
}

// postAction handles POST /api/v1/post-action: the server delivers the
// click of an attachment button or select here, as the clicking user. Any
// logged-in user can post here directly too: the signed action in the
// context is what the service checks.
func (a *api) postAction(w http.ResponseWriter, r *http.Request) {
	if a.PostActions == nil {
		httpjson.Error(w, http.StatusServiceUnavailable, errors.New("in-post bindings are not available"))
		return
	}
	var req model.PostActionIntegrationRequest
	if err := httpjson.DecodeBody(r, 64<<10, &req); err != nil {
		httpjson.Error(w, http.StatusBadRequest, fmt.Errorf("not an interactive message action: %w", err))
		return
	}
	resp, err := a.PostActions.HandleAction(r.Context(), UserID(r), &req)
	if err != nil {
		a.Log.Warn("Refused an in-post action", "user_id", UserID(r), "post_id", req.PostId, "error", err.Error())
		httpjson.Failure(w, err)
		return
	}
	httpjson.Write(w, http.StatusOK, resp)
}

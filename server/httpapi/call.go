package httpapi

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/lambdainvoke"
	"github.com/lambda-apps/lambda-apps/server/appcall"
)

// maxCallRequest bounds a client's call request (Lambda's synchronous limit).
const maxCallRequest = lambdainvoke.MaxSyncPayload

// postCall handles POST /api/v1/call: a CallRequest in, a CallResponse out.
// Request problems get a 4xx status; an app that fails or answers an error
// gets 200 with {"type":"error"} (the call itself was carried out). Either
// way the body is a CallResponse.
func (a *api) postCall(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCallRequest))
	if err != nil {
		writeCallError(w, http.StatusRequestEntityTooLarge, fmt.Errorf("the call request is larger than %d bytes", maxCallRequest))
		return
	}
	creq, err := apps.DecodeCallRequest(body)
	if err != nil {
		writeCallError(w, http.StatusBadRequest, fmt.Errorf("the call request is not valid JSON: %w", err))
		return
	}
	resp, err := a.Call(r.Context(), UserID(r), creq)
	if err != nil {
		code := callErrorStatus(err)
		if code >= 500 {
			a.Log.Warn("App call failed", "app_id", string(creq.Context.AppID), "path", creq.Path, "error", err.Error())
		}
		writeCallError(w, code, err)
		return
	}
	WriteJSON(w, http.StatusOK, resp)
}

func callErrorStatus(err error) int {
	switch {
	case errors.Is(err, appcall.ErrBadRequest):
		return http.StatusBadRequest
	case errors.Is(err, appcall.ErrForbiddenPath), errors.Is(err, appcall.ErrDisabled), errors.Is(err, appcall.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, appcall.ErrNotInstalled), errors.Is(err, appcall.ErrNoFunction):
		return http.StatusNotFound
	case errors.Is(err, lambdainvoke.ErrPayloadTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, appcall.ErrUnavailable):
		return http.StatusServiceUnavailable
	}
	return http.StatusOK // the app failed: a CallResponse of type error
}

func writeCallError(w http.ResponseWriter, code int, err error) {
	resp := apps.NewErrorResponse(err)
	WriteJSON(w, code, struct {
		apps.CallResponse
		Error string `json:"error"`
	}{resp, err.Error()})
}

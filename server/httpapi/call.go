package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/lambdainvoke"
	"github.com/lambda-apps/lambda-apps/server/appcall"
	"github.com/lambda-apps/lambda-apps/server/failure"
	"github.com/lambda-apps/lambda-apps/server/httpjson"
	"github.com/lambda-apps/lambda-apps/server/timing"
)

// maxCallRequest bounds a client's call request (Lambda's synchronous limit).
const maxCallRequest = lambdainvoke.MaxSyncPayload

// postCall handles POST /api/v1/call: a CallRequest in, a CallResponse out.
// Request problems get a 4xx status; an app that fails or answers an error
// gets 200 with {"type":"error"} (the call itself was carried out). Either
// way the body is a CallResponse.
func (a *api) postCall(w http.ResponseWriter, r *http.Request) {
	ctx, steps := timing.Start(r.Context())
	// The user is known before the body is read (a round trip): read them
	// meanwhile.
	ctx = a.Calls.Prefetch(ctx, UserID(r))
	resp, code, err := a.call(ctx, r)
	timing.Mark(ctx, "answer")
	// Each step's time for the user's developer tools (and make bench-e2e);
	// the header goes out with the body, in the same round trip.
	w.Header().Set(timing.HeaderName, steps.Header())
	if err != nil {
		writeCallError(w, code, err)
		return
	}
	httpjson.Write(w, http.StatusOK, resp)
}

// call reads the call request of r and makes the call: the app's answer,
// or the status and error to answer.
func (a *api) call(ctx context.Context, r *http.Request) (*apps.CallResponse, int, error) {
	body, err := httpjson.ReadBody(r, maxCallRequest)
	if errors.Is(err, httpjson.ErrTooLarge) {
		return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("the call request is larger than %d bytes", maxCallRequest)
	}
	if err != nil {
		return nil, http.StatusBadRequest, err
	}
	creq, err := apps.DecodeCallRequest(body)
	if err != nil {
		return nil, http.StatusBadRequest, fmt.Errorf("the call request is not valid JSON: %w", err)
	}
	timing.Mark(ctx, "read")
	resp, err := a.Calls.UserCall(ctx, UserID(r), creq)
	if err != nil { // appcall logged the call
		return nil, callErrorStatus(err), err
	}
	return resp, http.StatusOK, nil
}

// callErrorStatus is the status of a failed call: the kind's status for a
// call that was refused, 200 for one the app failed (the call was carried
// out; the body says how it failed), except for a call too large to send.
func callErrorStatus(err error) int {
	if errors.Is(err, appcall.ErrAppFailed) && failure.KindOf(err) != failure.TooLarge {
		return http.StatusOK
	}
	return failure.Status(err)
}

// writeCallError answers a CallResponse of type error, with the message
// users may see (never a function name or an AWS error).
func writeCallError(w http.ResponseWriter, code int, err error) {
	msg := failure.Message(err)
	resp := apps.NewErrorResponse(errors.New(msg))
	httpjson.Write(w, code, struct {
		apps.CallResponse
		Error string `json:"error"`
	}{resp, msg})
}

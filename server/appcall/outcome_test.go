package appcall

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/lambdainvoke"
	"github.com/lambda-apps/lambda-apps/server/failure"
)

func TestAppFailuresTellUsersOnlyWhatTheyNeed(t *testing.T) {
	const fn = "hello-app_0-1-0_main"
	sdk := func(sentinel error) error {
		return fmt.Errorf("%w: function %s: operation error Lambda: Invoke, arn:aws:lambda:us-east-1:123456789012:function:%s", sentinel, fn, fn)
	}
	tests := []struct {
		name    string
		err     error
		outcome string
		status  int
		message string
	}{
		{"function error", &lambdainvoke.FunctionError{Function: fn, Kind: "Unhandled", Type: "Runtime.ExitError", Message: "exit status 2"},
			OutcomeFunctionError, http.StatusBadGateway, "the app hello.app failed: Runtime.ExitError: exit status 2"},
		{"timeout", sdk(lambdainvoke.ErrTimeout), OutcomeTimeout, http.StatusBadGateway, "the app hello.app did not answer in time"},
		{"throttled", sdk(lambdainvoke.ErrThrottled), OutcomeThrottled, http.StatusTooManyRequests, "is busy"},
		{"access denied", sdk(lambdainvoke.ErrAccessDenied), OutcomeAccessDenied, http.StatusBadGateway, "invoke policy"},
		{"not deployed", sdk(lambdainvoke.ErrNotDeployed), OutcomeNotFound, http.StatusNotFound, "is not deployed"},
		{"too large", sdk(lambdainvoke.ErrPayloadTooLarge), OutcomeTooLarge, http.StatusRequestEntityTooLarge, "larger than"},
		{"status", fmt.Errorf("function %s: %w", fn, &lambdainvoke.StatusError{StatusCode: 404}), OutcomeBadResponse, http.StatusBadGateway, "HTTP status 404"},
		{"AWS down", errors.New("dial tcp 10.0.0.1:443: connection refused (" + fn + ")"), OutcomeFailed, http.StatusBadGateway, "could not be called"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := &fakeInvoker{err: tt.err}
			s := newTestService(t, inv, nil)
			_, err := s.UserCall(context.Background(), "u", &apps.CallRequest{Call: apps.Call{Path: "/x"}, Context: apps.Context{AppID: "hello.app"}})
			require.ErrorIs(t, err, ErrAppFailed)
			assert.Equal(t, tt.outcome, Outcome(err))
			assert.Equal(t, tt.status, failure.Status(err))
			msg := failure.Message(err)
			assert.Contains(t, msg, tt.message)
			assert.NotContains(t, msg, fn, "function names stay in the log")
			assert.NotContains(t, msg, "arn:aws")
			assert.Contains(t, err.Error(), fn, "the log keeps the cause")
		})
	}
	assert.Equal(t, OutcomeOK, Outcome(nil))
	assert.Equal(t, OutcomeRefused, Outcome(ErrForbiddenPath))
	assert.Equal(t, OutcomeAppError, ResponseOutcome(&apps.CallResponse{Type: apps.CallResponseTypeError}))
	assert.Equal(t, OutcomeOK, ResponseOutcome(&apps.CallResponse{}))
}

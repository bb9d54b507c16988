package appcall

import (
	"errors"
	"fmt"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/lambdainvoke"
	"github.com/lambda-apps/lambda-apps/server/failure"
)

// Outcomes of a call to an app, for logs and metrics.
const (
	OutcomeOK            = "ok"             // the app answered
	OutcomeAppError      = "app_error"      // the app answered {"type":"error"}
	OutcomeFunctionError = "function_error" // the function crashed or threw
	OutcomeTimeout       = "timeout"        // no answer before the call timeout
	OutcomeThrottled     = "throttled"      // Lambda throttled the invocation
	OutcomeAccessDenied  = "access_denied"  // the invoke key may not invoke the function
	OutcomeNotFound      = "not_found"      // the function is not deployed
	OutcomeBadResponse   = "bad_response"   // an answer that is not a call response
	OutcomeTooLarge      = "too_large"      // the call is over Lambda's payload limit
	OutcomeRefused       = "refused"        // refused before the app was called
	OutcomeFailed        = "failed"         // the call could not be made (AWS down, ...)
)

var errNotCallResponse = errors.New("not a call response")

// InvokeFailure turns an invocation error into what the user is told (the
// app's own error text or a short reason), keeping the cause (function
// name, SDK error) for the server log.
func InvokeFailure(appID apps.AppID, err error) error {
	cause := fmt.Errorf("%w: %s: %w", ErrAppFailed, appID, err)
	kind, msg := failure.Upstream, fmt.Sprintf("the app %s could not be called; the server log has the details", appID)
	var fe *lambdainvoke.FunctionError
	var se *lambdainvoke.StatusError
	switch Outcome(err) {
	case OutcomeFunctionError:
		errors.As(err, &fe)
		msg = fmt.Sprintf("the app %s failed: %s", appID, fe.Message)
		if fe.Type != "" {
			msg = fmt.Sprintf("the app %s failed: %s: %s", appID, fe.Type, fe.Message)
		}
	case OutcomeTimeout:
		msg = fmt.Sprintf("the app %s did not answer in time", appID)
	case OutcomeThrottled:
		kind, msg = failure.Throttled, fmt.Sprintf("the app %s is busy (AWS Lambda throttled the call); try again in a moment", appID)
	case OutcomeAccessDenied:
		msg = fmt.Sprintf("the plugin may not call the app %s: its invoke policy does not allow it (a system admin can deploy the app again with appsctl)", appID)
	case OutcomeNotFound:
		kind, msg = failure.NotFound, fmt.Sprintf("the app %s is not deployed (a system admin can deploy it again with appsctl)", appID)
	case OutcomeTooLarge:
		kind, msg = failure.TooLarge, fmt.Sprintf("the call is larger than the app %s can receive (AWS Lambda's limit)", appID)
	case OutcomeBadResponse:
		msg = fmt.Sprintf("the app %s answered with something that is not a call response", appID)
		if errors.As(err, &se) {
			msg = fmt.Sprintf("the app %s answered with HTTP status %d", appID, se.StatusCode)
		}
	}
	return failure.Hide(kind, msg, cause)
}

// Outcome classifies the result of a call: OutcomeOK for a nil error and
// an answer that is not an error; see the constants.
func Outcome(err error) string {
	var fe *lambdainvoke.FunctionError
	var se *lambdainvoke.StatusError
	switch {
	case err == nil:
		return OutcomeOK
	case errors.Is(err, lambdainvoke.ErrTimeout):
		return OutcomeTimeout
	case errors.As(err, &fe):
		return OutcomeFunctionError
	case errors.Is(err, lambdainvoke.ErrThrottled):
		return OutcomeThrottled
	case errors.Is(err, lambdainvoke.ErrAccessDenied):
		return OutcomeAccessDenied
	case errors.Is(err, lambdainvoke.ErrNotDeployed):
		return OutcomeNotFound
	case errors.Is(err, lambdainvoke.ErrPayloadTooLarge):
		return OutcomeTooLarge
	case errors.As(err, &se), errors.Is(err, lambdainvoke.ErrBadResponse), errors.Is(err, errNotCallResponse):
		return OutcomeBadResponse
	case errors.Is(err, ErrAppFailed), errors.Is(err, ErrUnavailable):
		return OutcomeFailed
	}
	return OutcomeRefused
}

// ResponseOutcome is the outcome of a call that the app answered.
func ResponseOutcome(resp *apps.CallResponse) string {
	if resp != nil && resp.Type == apps.CallResponseTypeError {
		return OutcomeAppError
	}
	return OutcomeOK
}

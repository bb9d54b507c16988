package lambdalocal

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// apiError is an AWS-shaped Lambda API error: the HTTP status, the
// X-Amzn-ErrorType the SDKs map to a typed error, and the message.
type apiError struct {
	Status  int
	Type    string
	Message string
	// Reason is sent for throttling errors, as AWS does.
	Reason string
}

func (e *apiError) Error() string { return fmt.Sprintf("%s (%d): %s", e.Type, e.Status, e.Message) }

// write sends the error the way the Lambda service does, for example
//
//	404, X-Amzn-ErrorType: ResourceNotFoundException,
//	{"Type":"User","message":"Function not found: arn:aws:lambda:..."}
func (e *apiError) write(w http.ResponseWriter) {
	kind := "User"
	if e.Status >= 500 {
		kind = "Service"
	}
	body := map[string]string{"Type": kind, "message": e.Message}
	if e.Reason != "" {
		body["Reason"] = e.Reason
	}
	setRequestID(w)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", e.Type)
	w.WriteHeader(e.Status)
	_ = json.NewEncoder(w).Encode(body)
}

func errNotFound(arn string) *apiError {
	return &apiError{Status: http.StatusNotFound, Type: "ResourceNotFoundException", Message: "Function not found: " + arn}
}

func errInvalidParameter(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Type: "InvalidParameterValueException", Message: fmt.Sprintf(format, args...)}
}

func errValidation(err error) *apiError {
	return &apiError{Status: http.StatusBadRequest, Type: "ValidationException", Message: err.Error()}
}

func errTooLarge(limit int, op string) *apiError {
	return &apiError{
		Status:  http.StatusRequestEntityTooLarge,
		Type:    "RequestTooLargeException",
		Message: fmt.Sprintf("Request must be smaller than %d bytes for the %s operation", limit, op),
	}
}

func errThrottled() *apiError {
	return &apiError{
		Status:  http.StatusTooManyRequests,
		Type:    "TooManyRequestsException",
		Message: "Rate Exceeded.",
		Reason:  "ReservedFunctionConcurrentInvocationLimitExceeded",
	}
}

func errService(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusInternalServerError, Type: "ServiceException", Message: fmt.Sprintf(format, args...)}
}

func errShuttingDown() *apiError {
	return &apiError{Status: http.StatusServiceUnavailable, Type: "ServiceException", Message: "lambda-local is shutting down"}
}

// functionError is the JSON payload of an invocation that failed in the
// runtime, e.g. {"errorType":"Runtime.ExitError","errorMessage":"..."}.
type functionError struct {
	ErrorType    string `json:"errorType"`
	ErrorMessage string `json:"errorMessage"`
}

// payload encodes the error for the Invoke response body.
func (fe functionError) payload() []byte {
	b, err := json.Marshal(fe)
	if err != nil { // cannot happen for two strings
		return []byte(`{"errorType":"Runtime.Unknown"}`)
	}
	return b
}

// setRequestID gives an answer an X-Amzn-RequestId unless it has one.
func setRequestID(w http.ResponseWriter) {
	if w.Header().Get("X-Amzn-RequestId") == "" {
		w.Header().Set("X-Amzn-RequestId", newRequestID())
	}
}

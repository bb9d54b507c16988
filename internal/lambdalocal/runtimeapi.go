package lambdalocal

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Runtime API paths, see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html.
const (
	runtimePrefix       = "/2018-06-01/runtime"
	headerRequestID     = "Lambda-Runtime-Aws-Request-Id"
	headerDeadline      = "Lambda-Runtime-Deadline-Ms"
	headerFunctionARN   = "Lambda-Runtime-Invoked-Function-Arn"
	headerTraceID       = "Lambda-Runtime-Trace-Id"
	headerClientContext = "Lambda-Runtime-Client-Context"
	headerErrorType     = "Lambda-Runtime-Function-Error-Type"
	trailerErrorBody    = "Lambda-Runtime-Function-Error-Body"
)

// runtimeAPI serves the Lambda Runtime API of one handler process.
func (in *instance) runtimeAPI() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+runtimePrefix+"/invocation/next", in.handleNext)
	mux.HandleFunc("POST "+runtimePrefix+"/invocation/{id}/response", in.handleResponse)
	mux.HandleFunc("POST "+runtimePrefix+"/invocation/{id}/error", in.handleError)
	mux.HandleFunc("POST "+runtimePrefix+"/init/error", in.handleInitError)
	return mux
}

// handleNext long-polls until there is an invocation for this process.
func (in *instance) handleNext(w http.ResponseWriter, r *http.Request) {
	var inv *invocation
	select {
	case inv = <-in.queue:
	case <-in.exited:
		return
	case <-r.Context().Done():
		return
	}
	inv.deadline = time.Now().Add(inv.timeout)
	in.mu.Lock()
	in.current, in.logInv = inv, inv
	in.mu.Unlock()
	inv.logs.printf("START RequestId: %s Version: $LATEST", inv.id)
	close(inv.started)

	h := w.Header()
	h.Set(headerRequestID, inv.id)
	h.Set(headerDeadline, strconv.FormatInt(inv.deadline.UnixMilli(), 10))
	h.Set(headerFunctionARN, inv.invokedARN)
	h.Set(headerTraceID, inv.traceID)
	if inv.clientContext != "" {
		h.Set(headerClientContext, inv.clientContext)
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(inv.payload)))
	if _, err := w.Write(inv.payload); err != nil {
		in.log.Warn("send invocation to handler", "request_id", inv.id, "err", err)
	}
}

// take returns the invocation being handled if it has the given ID, and
// marks it answered.
func (in *instance) take(id string) *invocation {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.current == nil || in.current.id != id {
		return nil
	}
	inv := in.current
	in.current, in.logInv = nil, nil
	return inv
}

// handleResponse receives a successful invocation result.
func (in *instance) handleResponse(w http.ResponseWriter, r *http.Request) {
	in.awaitOutput(r.PathValue("id"))
	inv := in.take(r.PathValue("id"))
	if inv == nil {
		runtimeError(w, http.StatusBadRequest, "InvalidRequestID", "unknown or already answered request ID "+r.PathValue("id"))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxResponsePayload+1))
	switch {
	case err != nil:
		inv.done <- errorResult("Runtime.ResponseError", "RequestId: %s Error: reading the response failed: %v", inv.id, err)
		runtimeError(w, http.StatusBadRequest, "InvalidResponse", err.Error())
		return
	case len(body) > maxResponsePayload:
		msg := "Response payload size exceeded maximum allowed payload size (" + strconv.Itoa(maxResponsePayload) + " bytes)."
		inv.done <- errorResult("Function.ResponseSizeTooLarge", "%s", msg)
		runtimeError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", msg)
		return
	}
	if errType := r.Trailer.Get(headerErrorType); errType != "" {
		// A streamed response failed half way; the trailer carries the error.
		payload, _ := base64.StdEncoding.DecodeString(r.Trailer.Get(trailerErrorBody))
		inv.done <- runtimeFailure(errType, payload, true)
	} else {
		inv.done <- result{payload: body, healthy: true}
	}
	accepted(w)
}

// handleError receives a failed invocation result.
func (in *instance) handleError(w http.ResponseWriter, r *http.Request) {
	in.awaitOutput(r.PathValue("id"))
	inv := in.take(r.PathValue("id"))
	if inv == nil {
		runtimeError(w, http.StatusBadRequest, "InvalidRequestID", "unknown or already answered request ID "+r.PathValue("id"))
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxResponsePayload))
	inv.done <- runtimeFailure(r.Header.Get(headerErrorType), body, true)
	accepted(w)
}

// handleInitError records an initialization failure; the process is then
// stopped, as AWS does, and waiting invocations get this error.
func (in *instance) handleInitError(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxResponsePayload))
	res := runtimeFailure(r.Header.Get(headerErrorType), body, false)
	in.mu.Lock()
	in.initErr = res.payload
	in.mu.Unlock()
	in.log.Warn("handler init error", "error", string(res.payload))
	accepted(w)
	in.kill()
}

// runtimeFailure turns an error posted by a runtime into a result. Runtimes
// normally post {"errorType","errorMessage",...}; anything else is wrapped.
func runtimeFailure(errType string, body []byte, healthy bool) result {
	if len(body) == 0 || !json.Valid(body) {
		if errType == "" {
			errType = "Runtime.Unknown"
		}
		body = functionError{ErrorType: errType, ErrorMessage: string(body)}.payload()
	}
	return result{payload: body, functionError: "Unhandled", healthy: healthy}
}

func accepted(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_, _ = io.WriteString(w, `{"status":"OK"}`)
}

func runtimeError(w http.ResponseWriter, status int, errType, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(functionError{ErrorType: errType, ErrorMessage: msg})
}

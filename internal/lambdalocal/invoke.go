package lambdalocal

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"
)

// Invocation types of the X-Amz-Invocation-Type header.
const (
	invokeSync   = "RequestResponse"
	invokeEvent  = "Event"
	invokeDryRun = "DryRun"
)

// handleInvoke serves POST /2015-03-31/functions/{name}/invocations.
func (s *Server) handleInvoke(w http.ResponseWriter, r *http.Request) {
	ref, err := parseFunctionRef(r.PathValue("name"), r.URL.Query().Get("Qualifier"))
	if err != nil {
		errValidation(err).write(w)
		return
	}
	invType := r.Header.Get("X-Amz-Invocation-Type")
	if invType == "" {
		invType = invokeSync
	}
	limit := maxSyncPayload
	switch invType {
	case invokeSync, invokeDryRun:
	case invokeEvent:
		limit = maxEventPayload
	default:
		errInvalidParameter("Unsupported invocation type %q: want RequestResponse, Event or DryRun", invType).write(w)
		return
	}
	f := s.lookup(ref.Name)
	if f == nil {
		errNotFound(s.notFoundARN(ref)).write(w)
		return
	}
	payload, err := io.ReadAll(io.LimitReader(r.Body, int64(limit)+1))
	if err != nil {
		errInvalidParameter("reading the request body: %v", err).write(w)
		return
	}
	if len(payload) > limit {
		errTooLarge(limit, "Invoke").write(w)
		return
	}
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	if !json.Valid(payload) {
		(&apiError{Status: http.StatusBadRequest, Type: "InvalidRequestContentException",
			Message: "Could not parse request body into json: the payload is not valid JSON"}).write(w)
		return
	}
	if invType == invokeDryRun {
		setRequestID(w)
		w.WriteHeader(http.StatusNoContent)
		return
	}

	dep := f.current()
	invokedARN := ref.ARN
	if invokedARN == "" {
		invokedARN = qualify(dep.arn, ref.Qualifier)
	}
	inv := newInvocation(payload, invokedARN, dep.cfg.timeout(s.cfg.DefaultTimeout))
	if cc := r.Header.Get("X-Amz-Client-Context"); cc != "" {
		decoded, err := base64.StdEncoding.DecodeString(cc)
		if err != nil || !json.Valid(decoded) {
			errInvalidParameter("X-Amz-Client-Context must be base64-encoded JSON").write(w)
			return
		}
		inv.clientContext = string(decoded)
	}
	w.Header().Set("X-Amzn-RequestId", inv.id)

	if invType == invokeEvent {
		s.invokeAsync(f, inv)
		w.WriteHeader(http.StatusAccepted)
		return
	}
	if !s.track(1) { // Close waits for running invocations
		errShuttingDown().write(w)
		return
	}
	defer s.wg.Done()
	if !f.tryAcquire() {
		s.log.Warn("invocation throttled", "function", f.name, "request_id", inv.id)
		errThrottled().write(w)
		return
	}
	res := s.run(f, inv)
	f.release()
	if res.err != nil {
		res.err.write(w)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amz-Executed-Version", "$LATEST")
	if res.functionError != "" {
		h.Set("X-Amz-Function-Error", res.functionError)
	}
	if r.Header.Get("X-Amz-Log-Type") == "Tail" {
		h.Set("X-Amz-Log-Result", base64.StdEncoding.EncodeToString(inv.logs.tail()))
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(res.payload)
}

// invokeAsync queues an Event invocation: it waits for a concurrency slot
// and runs in the background. As lambda-local has no dead-letter queues,
// the outcome is only logged.
func (s *Server) invokeAsync(f *function, inv *invocation) {
	if !s.track(1) {
		return
	}
	go func() {
		defer s.wg.Done()
		if !f.acquire(s.ctx) {
			s.log.Warn("queued event dropped", "function", f.name, "request_id", inv.id)
			return
		}
		res := s.run(f, inv)
		f.release()
		if res.err != nil || res.functionError != "" {
			s.log.Warn("event invocation failed", "function", f.name, "request_id", inv.id, "error", res.err, "payload", string(res.payload))
		}
	}()
}

// run executes an invocation on a handler process of f. The caller holds a
// concurrency slot.
func (s *Server) run(f *function, inv *invocation) result {
	start := time.Now()
	res := s.runOnce(f, inv, true)
	elapsed := time.Since(start)
	inv.logs.printf("END RequestId: %s", inv.id)
	inv.logs.printf("REPORT RequestId: %s\tDuration: %.2f ms\tMemory Size: %d MB",
		inv.id, float64(elapsed.Microseconds())/1000, f.current().cfg.MemorySize)
	level := "ok"
	switch {
	case res.err != nil:
		level = res.err.Type
	case res.functionError != "":
		var fe functionError
		_ = json.Unmarshal(res.payload, &fe)
		level = "error " + fe.ErrorType
	}
	s.log.Info("invocation", "function", f.name, "request_id", inv.id, "duration", elapsed.Round(time.Millisecond), "outcome", level)
	return res
}

// runOnce runs inv on an instance; a reused process that died before taking
// the invocation is replaced once by a fresh one.
func (s *Server) runOnce(f *function, inv *invocation, mayRetry bool) result {
	in, fresh, err := f.instance()
	if err != nil {
		return startFailure(inv, err)
	}
	res, err := in.execute(s.ctx, inv, s.cfg.InitTimeout)
	f.put(in, res.healthy && err == nil)
	if errors.Is(err, errNotPickedUp) && !fresh && mayRetry {
		return s.runOnce(f, inv, false)
	}
	return res
}

// startFailure turns a failure to start a handler process into a result.
func startFailure(inv *invocation, err error) result {
	var apiErr *apiError
	if errors.As(err, &apiErr) {
		return result{err: apiErr}
	}
	var epErr *entrypointError
	if errors.As(err, &epErr) {
		inv.logs.printf("RequestId: %s Error: %v", inv.id, err)
		return errorResult("Runtime.InvalidEntrypoint", "RequestId: %s Error: %v", inv.id, err)
	}
	return result{err: errService("starting the handler: %v", err)}
}

package lambdalocal

import (
	"io"
	"net/http"
	"strconv"
	"strings"
)

// handlePutConcurrency serves PutFunctionConcurrency: the reserved
// concurrency becomes the function's concurrency limit.
func (s *Server) handlePutConcurrency(w http.ResponseWriter, r *http.Request) {
	ref, body, in, ok := readRequest[concurrencyBody](w, r, "PutFunctionConcurrency")
	if !ok {
		return
	}
	if in.ReservedConcurrentExecutions == nil || *in.ReservedConcurrentExecutions < 0 {
		errInvalidParameter("ReservedConcurrentExecutions must be a number >= 0").write(w)
		return
	}
	f := s.lookup(ref.Name)
	s.mirror(w, r, body, f != nil, func(fb *forwarded) localAnswer {
		if f != nil {
			f.setReserved(in.ReservedConcurrentExecutions)
		}
		switch {
		case fb != nil:
			return localAnswer{}
		case f == nil:
			return localAnswer{err: errNotFound(s.notFoundARN(ref))}
		}
		return localAnswer{status: http.StatusOK, body: in}
	}, nil)
}

// handleDeleteConcurrency serves DeleteFunctionConcurrency.
func (s *Server) handleDeleteConcurrency(w http.ResponseWriter, r *http.Request) {
	ref, apiErr := pathRef(r)
	if apiErr != nil {
		apiErr.write(w)
		return
	}
	f := s.lookup(ref.Name)
	s.mirror(w, r, nil, f != nil, func(fb *forwarded) localAnswer {
		if f != nil {
			f.setReserved(nil)
		}
		if f == nil && fb == nil {
			return localAnswer{err: errNotFound(s.notFoundARN(ref))}
		}
		return localAnswer{status: http.StatusNoContent}
	}, nil)
}

// handleGetConcurrency serves GetFunctionConcurrency from the local state,
// which is what invocations obey.
func (s *Server) handleGetConcurrency(w http.ResponseWriter, r *http.Request) {
	ref, apiErr := pathRef(r)
	if apiErr != nil {
		apiErr.write(w)
		return
	}
	f := s.lookup(ref.Name)
	if f == nil {
		s.handleOther(w, r)
		return
	}
	writeJSON(w, http.StatusOK, concurrencyBody{ReservedConcurrentExecutions: f.reservedConcurrency()})
}

// handleLocalPut serves PUT /local/functions/{name}: the body is the zip,
// the query may set handler, runtime, timeout (seconds), memory (MB),
// concurrency (reserved concurrency) and env (repeatable KEY=VALUE). The
// function is registered here only, never in the fallback.
func (s *Server) handleLocalPut(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if !validName.MatchString(name) {
		errInvalidParameter("invalid function name %q", name).write(w)
		return
	}
	q := r.URL.Query()
	fc := FunctionConfig{Handler: q.Get("handler"), Runtime: q.Get("runtime")}
	var err error
	if fc.Timeout, err = intParam(q.Get("timeout")); err != nil {
		errInvalidParameter("timeout: %v", err).write(w)
		return
	}
	if fc.MemorySize, err = intParam(q.Get("memory")); err != nil {
		errInvalidParameter("memory: %v", err).write(w)
		return
	}
	var reserved *int
	if c := q.Get("concurrency"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 0 {
			errInvalidParameter("concurrency %q: want a number >= 0", c).write(w)
			return
		}
		reserved = &n
	}
	for _, kv := range q["env"] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			errInvalidParameter("env %q: want KEY=VALUE", kv).write(w)
			return
		}
		if fc.Environment == nil {
			fc.Environment = map[string]string{}
		}
		fc.Environment[k] = v
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxControlRequestBody+1))
	if err != nil || len(body) > maxControlRequestBody {
		errInvalidParameter("reading the zip failed or it is larger than %d bytes", maxControlRequestBody).write(w)
		return
	}
	if err := s.Deploy(name, body, fc); err != nil {
		errInvalidParameter("%v", err).write(w)
		return
	}
	f := s.lookup(name)
	if f == nil { // deleted concurrently
		errNotFound(s.arn(name)).write(w)
		return
	}
	f.setReserved(reserved)
	writeJSON(w, http.StatusOK, f.current().configuration(s.cfg.DefaultTimeout))
}

// handleLocalDelete serves DELETE /local/functions/{name}.
func (s *Server) handleLocalDelete(w http.ResponseWriter, r *http.Request) {
	if !s.unregister(r.PathValue("name")) {
		errNotFound(s.arn(r.PathValue("name"))).write(w)
		return
	}
	setRequestID(w)
	w.WriteHeader(http.StatusNoContent)
}

// intParam parses an optional non-negative integer query parameter.
func intParam(v string) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, strconv.ErrSyntax
	}
	return n, nil
}

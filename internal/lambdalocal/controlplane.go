package lambdalocal

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// This file implements the deploy calls of the Lambda control plane. With a
// fallback, every call is forwarded to it and its answer returned; the call
// is applied locally when the fallback accepted it, or when the function
// exists only here (e.g. from the functions folder) and the fallback does
// not know it.

// localAnswer is the outcome of applying a deploy call locally.
type localAnswer struct {
	status int
	body   any // JSON answer; nil for none
	err    *apiError
}

// mirror forwards a deploy call to the fallback (if any) and applies it
// locally. apply receives the fallback's 2xx answer, or nil when there is
// none and the local answer is sent. localOnly tells whether the function
// exists here. abort is called when the call is not applied.
func (s *Server) mirror(w http.ResponseWriter, r *http.Request, body []byte, localOnly bool,
	apply func(fb *forwarded) localAnswer, abort func()) {
	if abort == nil {
		abort = func() {}
	}
	answerLocally := func() {
		a := apply(nil)
		switch {
		case a.err != nil:
			abort()
			a.err.write(w)
		case a.body == nil:
			setRequestID(w)
			w.WriteHeader(a.status)
		default:
			writeJSON(w, a.status, a.body)
		}
	}
	if s.fallback == nil {
		answerLocally()
		return
	}
	fr, err := s.forward(r, body)
	switch {
	case err != nil:
		abort()
		s.log.Warn("fallback unreachable", "method", r.Method, "path", r.URL.Path, "err", err)
		fallbackError(err).write(w)
	case fr.ok():
		if a := apply(fr); a.err != nil {
			abort()
			s.log.Warn("fallback accepted a deploy call lambda-local could not apply", "path", r.URL.Path, "err", a.err)
		}
		fr.write(w)
	case fr.status == http.StatusNotFound && localOnly:
		answerLocally()
	default:
		abort()
		fr.write(w)
	}
}

// readBody reads a control-plane request body.
func readBody(r *http.Request, op string) ([]byte, *apiError) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxControlRequestBody+1))
	if err != nil {
		return nil, errInvalidParameter("reading the request body: %v", err)
	}
	if len(body) > maxControlRequestBody {
		return nil, errTooLarge(maxControlRequestBody, op)
	}
	return body, nil
}

// decodeBody parses a JSON request body.
func decodeBody(body []byte, v any) *apiError {
	if len(body) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return &apiError{Status: http.StatusBadRequest, Type: "InvalidRequestContentException",
			Message: "Could not parse request body into json: " + err.Error()}
	}
	return nil
}

// pathRef parses the {name} path parameter.
func pathRef(r *http.Request) (functionRef, *apiError) {
	ref, err := parseFunctionRef(r.PathValue("name"), r.URL.Query().Get("Qualifier"))
	if err != nil {
		return ref, errValidation(err)
	}
	return ref, nil
}

// codeFromInput returns the zip of a CreateFunction/UpdateFunctionCode call:
// inline, or fetched from S3. It returns nil without error for a container
// image, which lambda-local cannot run.
func (s *Server) codeFromInput(r *http.Request, zip []byte, bucket, key, version, image string) ([]byte, *apiError) {
	switch {
	case len(zip) > 0:
		return zip, nil
	case bucket != "" && key != "":
		data, err := s.fetchS3Code(r.Context(), bucket, key, version)
		if err != nil {
			return nil, errInvalidParameter("Error occurred while GetObject. %v", err)
		}
		return data, nil
	case image != "":
		return nil, nil
	default:
		return nil, errInvalidParameter("Please provide a source for function code (ZipFile or S3Bucket and S3Key).")
	}
}

// prepareCode extracts deploy-call code. A nil code with nil error means
// there is nothing lambda-local can run (container image).
func (s *Server) prepareCode(r *http.Request, name string, zip []byte, bucket, key, version, image string) (*code, *apiError) {
	data, apiErr := s.codeFromInput(r, zip, bucket, key, version, image)
	if apiErr != nil || data == nil {
		return nil, apiErr
	}
	c, err := s.extract(name, data)
	if err != nil {
		if errors.Is(err, errBadZip) {
			return nil, errInvalidParameter("%s (%v)", badZipMessage, err)
		}
		return nil, errService("extract code: %v", err)
	}
	return c, nil
}

// readRequest reads a control-plane request for the function in the path:
// its reference, raw JSON body and decoded input. On failure it has
// answered the request already and ok is false.
func readRequest[T any](w http.ResponseWriter, r *http.Request, op string) (ref functionRef, body []byte, in T, ok bool) {
	ref, apiErr := pathRef(r)
	if apiErr == nil {
		body, apiErr = readBody(r, op)
	}
	if apiErr == nil {
		apiErr = decodeBody(body, &in)
	}
	if apiErr != nil {
		apiErr.write(w)
		return ref, nil, in, false
	}
	return ref, body, in, true
}

// arnFrom reads FunctionArn out of a fallback FunctionConfiguration answer.
func arnFrom(body []byte) string {
	var fc struct{ FunctionArn string }
	_ = json.Unmarshal(body, &fc)
	return fc.FunctionArn
}

// handleCreate serves CreateFunction.
func (s *Server) handleCreate(w http.ResponseWriter, r *http.Request) {
	body, apiErr := readBody(r, "CreateFunction")
	if apiErr != nil {
		apiErr.write(w)
		return
	}
	var in createFunctionInput
	if apiErr := decodeBody(body, &in); apiErr != nil {
		apiErr.write(w)
		return
	}
	ref, err := parseFunctionRef(in.FunctionName, "")
	if err != nil || ref.Qualifier != "" {
		errInvalidParameter("Invalid FunctionName %q", in.FunctionName).write(w)
		return
	}
	c, apiErr := s.prepareCode(r, ref.Name, in.Code.ZipFile, in.Code.S3Bucket, in.Code.S3Key, in.Code.S3ObjectVersion, in.Code.ImageURI)
	if apiErr != nil {
		apiErr.write(w)
		return
	}
	if c == nil && s.fallback == nil {
		errInvalidParameter("lambda-local cannot run container image functions").write(w)
		return
	}
	fc := FunctionConfig{
		Handler: in.Handler, Runtime: in.Runtime, Role: in.Role, Description: in.Description,
		Timeout: in.Timeout, MemorySize: in.MemorySize, Architectures: in.Architectures,
	}
	if in.Environment != nil {
		fc.Environment = in.Environment.Variables
	}
	abort := func() {
		if c != nil {
			s.discard(c)
		}
	}
	s.mirror(w, r, body, false, func(fb *forwarded) localAnswer {
		if c == nil {
			s.log.Warn("function created in the fallback only: lambda-local cannot run container images", "function", ref.Name)
			return localAnswer{}
		}
		if fb != nil {
			s.install(s.newDeployment(ref.Name, arnFrom(fb.body), fc, c))
			return localAnswer{}
		}
		dep := s.newDeployment(ref.Name, "", fc, c)
		if !s.installNew(dep) {
			return localAnswer{err: &apiError{Status: http.StatusConflict, Type: "ResourceConflictException",
				Message: "Function already exist: " + ref.Name}}
		}
		return localAnswer{status: http.StatusCreated, body: dep.configuration(s.cfg.DefaultTimeout)}
	}, abort)
}

// handleUpdateCode serves UpdateFunctionCode.
func (s *Server) handleUpdateCode(w http.ResponseWriter, r *http.Request) {
	ref, body, in, ok := readRequest[updateCodeInput](w, r, "UpdateFunctionCode")
	if !ok {
		return
	}
	local := s.lookup(ref.Name) != nil
	if !local && s.fallback == nil {
		errNotFound(s.notFoundARN(ref)).write(w)
		return
	}
	c, apiErr := s.prepareCode(r, ref.Name, in.ZipFile, in.S3Bucket, in.S3Key, in.S3ObjectVersion, in.ImageURI)
	if apiErr != nil {
		apiErr.write(w)
		return
	}
	if c == nil && s.fallback == nil {
		errInvalidParameter("lambda-local cannot run container image functions").write(w)
		return
	}
	if in.DryRun || c == nil {
		if c != nil {
			s.discard(c)
		}
		s.mirror(w, r, body, local, func(fb *forwarded) localAnswer {
			if fb != nil {
				return localAnswer{}
			}
			return s.describe(ref)
		}, nil)
		return
	}
	s.mirror(w, r, body, local, func(fb *forwarded) localAnswer {
		dep := s.update(ref.Name, func(old *deployment) *deployment {
			return s.newDeployment(old.name, old.arn, old.cfg, c)
		})
		if dep == nil && fb != nil {
			// Known to the fallback only (e.g. created before lambda-local
			// started): take the configuration from its answer.
			var fc updateConfigInput
			_ = json.Unmarshal(fb.body, &fc)
			dep = s.newDeployment(ref.Name, arnFrom(fb.body), fc.apply(FunctionConfig{}), c)
			s.install(dep)
		}
		if dep == nil {
			return localAnswer{err: errNotFound(s.notFoundARN(ref))}
		}
		return localAnswer{status: http.StatusOK, body: dep.configuration(s.cfg.DefaultTimeout)}
	}, func() { s.discard(c) })
}

// handleUpdateConfiguration serves UpdateFunctionConfiguration.
func (s *Server) handleUpdateConfiguration(w http.ResponseWriter, r *http.Request) {
	ref, body, in, ok := readRequest[updateConfigInput](w, r, "UpdateFunctionConfiguration")
	if !ok {
		return
	}
	if in.Timeout != nil && (*in.Timeout < 1 || *in.Timeout > 900) {
		errInvalidParameter("Timeout must be between 1 and 900 seconds").write(w)
		return
	}
	if in.MemorySize != nil && (*in.MemorySize < 128 || *in.MemorySize > 10240) {
		errInvalidParameter("MemorySize must be between 128 and 10240 MB").write(w)
		return
	}
	s.mirror(w, r, body, s.lookup(ref.Name) != nil, func(fb *forwarded) localAnswer {
		dep := s.update(ref.Name, func(old *deployment) *deployment {
			return s.newDeployment(old.name, old.arn, in.apply(old.cfg), old.code)
		})
		switch {
		case fb != nil:
			return localAnswer{} // the fallback's answer is sent
		case dep == nil:
			return localAnswer{err: errNotFound(s.notFoundARN(ref))}
		}
		return localAnswer{status: http.StatusOK, body: dep.configuration(s.cfg.DefaultTimeout)}
	}, nil)
}

// describe is the local GetFunctionConfiguration answer.
func (s *Server) describe(ref functionRef) localAnswer {
	f := s.lookup(ref.Name)
	if f == nil {
		return localAnswer{err: errNotFound(s.notFoundARN(ref))}
	}
	return localAnswer{status: http.StatusOK, body: f.current().configuration(s.cfg.DefaultTimeout)}
}

// handleGet serves GetFunction.
func (s *Server) handleGet(w http.ResponseWriter, r *http.Request) {
	s.readOnly(w, r, func(ref functionRef, f *function) any {
		out := getFunctionOutput{Configuration: f.current().configuration(s.cfg.DefaultTimeout)}
		out.Code.RepositoryType = "S3"
		out.Code.Location = "file://" + f.current().code.dir
		if n := f.reservedConcurrency(); n != nil {
			out.Concurrency = &concurrencyBody{ReservedConcurrentExecutions: n}
		}
		return out
	})
}

// handleGetConfiguration serves GetFunctionConfiguration.
func (s *Server) handleGetConfiguration(w http.ResponseWriter, r *http.Request) {
	s.readOnly(w, r, func(_ functionRef, f *function) any {
		return f.current().configuration(s.cfg.DefaultTimeout)
	})
}

// readOnly answers a read call: from the fallback when it knows the
// function, else locally.
func (s *Server) readOnly(w http.ResponseWriter, r *http.Request, answer func(functionRef, *function) any) {
	ref, apiErr := pathRef(r)
	if apiErr != nil {
		apiErr.write(w)
		return
	}
	f := s.lookup(ref.Name)
	s.mirror(w, r, nil, f != nil, func(fb *forwarded) localAnswer {
		if fb != nil {
			return localAnswer{}
		}
		if f == nil {
			return localAnswer{err: errNotFound(s.notFoundARN(ref))}
		}
		return localAnswer{status: http.StatusOK, body: answer(ref, f)}
	}, nil)
}

// handleList serves ListFunctions: the fallback's list, or the local one.
func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	if s.proxy != nil {
		s.proxy.ServeHTTP(w, r)
		return
	}
	out := listFunctionsOutput{Functions: []functionConfiguration{}}
	for _, name := range s.FunctionNames() {
		if f := s.lookup(name); f != nil {
			out.Functions = append(out.Functions, f.current().configuration(s.cfg.DefaultTimeout))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// handleDelete serves DeleteFunction. Deleting a version (Qualifier) is
// left to the fallback.
func (s *Server) handleDelete(w http.ResponseWriter, r *http.Request) {
	ref, apiErr := pathRef(r)
	if apiErr != nil {
		apiErr.write(w)
		return
	}
	if ref.Qualifier != "" && ref.Qualifier != "$LATEST" {
		s.handleOther(w, r)
		return
	}
	s.mirror(w, r, nil, s.lookup(ref.Name) != nil, func(fb *forwarded) localAnswer {
		if !s.unregister(ref.Name) && fb == nil {
			return localAnswer{err: errNotFound(s.notFoundARN(ref))}
		}
		return localAnswer{status: http.StatusNoContent}
	}, nil)
}

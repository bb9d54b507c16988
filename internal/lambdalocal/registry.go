package lambdalocal

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// codeSeq numbers extracted code directories.
var codeSeq atomic.Int64

// Deploy registers function name with the given zip and configuration, or
// replaces its code and configuration. Idle handler processes of the previous
// code are stopped; running invocations finish first.
func (s *Server) Deploy(name string, zipData []byte, fc FunctionConfig) error {
	if !validName.MatchString(name) {
		return fmt.Errorf("function name %q: want 1-64 characters from [A-Za-z0-9_-]", name)
	}
	c, err := s.extract(name, zipData)
	if err != nil {
		return fmt.Errorf("deploy %s: %w", name, err)
	}
	s.install(s.newDeployment(name, "", fc, c))
	return nil
}

// SetReservedConcurrency sets the concurrency limit of one function; nil
// restores the server default. Zero throttles every invocation, as on AWS.
func (s *Server) SetReservedConcurrency(name string, n *int) error {
	f := s.lookup(name)
	if f == nil {
		return fmt.Errorf("function %s is not registered", name)
	}
	if n != nil && *n < 0 {
		return fmt.Errorf("reserved concurrency %d: must not be negative", *n)
	}
	f.setReserved(n)
	return nil
}

// extract unpacks zip data into a new code directory.
func (s *Server) extract(name string, zipData []byte) (*code, error) {
	dir := filepath.Join(s.runDir, fmt.Sprintf("%s-%d", name, codeSeq.Add(1)))
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create code dir: %w", err)
	}
	if err := extractZip(zipData, dir); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	sum := sha256.Sum256(zipData)
	return &code{dir: dir, sha256: base64.StdEncoding.EncodeToString(sum[:]), size: int64(len(zipData))}, nil
}

// discard removes code that was extracted but never installed.
func (s *Server) discard(c *code) {
	if err := os.RemoveAll(c.dir); err != nil {
		s.log.Warn("remove unused code", "dir", c.dir, "err", err)
	}
}

// newDeployment assembles a deployment. An empty arn means one made up from
// the configured region and account.
func (s *Server) newDeployment(name, arn string, fc FunctionConfig, c *code) *deployment {
	if arn == "" {
		arn = s.arn(name)
	}
	return &deployment{
		name:         name,
		arn:          arn,
		cfg:          fc.withDefaults(),
		code:         c,
		lastModified: time.Now(),
		revisionID:   newRequestID(),
	}
}

// install makes dep the current deployment of its function, registering
// the function if needed. Registry changes are serialized by s.mu.
func (s *Server) install(dep *deployment) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.functions[dep.name]; f != nil {
		f.replace(dep)
		s.log.Info("function updated", "function", dep.name, "runtime", dep.cfg.Runtime, "handler", dep.cfg.Handler)
		return
	}
	s.functions[dep.name] = newFunction(s, dep)
	s.log.Info("function registered", "function", dep.name, "runtime", dep.cfg.Runtime, "handler", dep.cfg.Handler, "arn", dep.arn)
}

// installNew registers a new function; it reports false, leaving
// everything unchanged, when the name is taken.
func (s *Server) installNew(dep *deployment) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.functions[dep.name] != nil {
		return false
	}
	s.functions[dep.name] = newFunction(s, dep)
	s.log.Info("function registered", "function", dep.name, "runtime", dep.cfg.Runtime, "handler", dep.cfg.Handler, "arn", dep.arn)
	return true
}

// update replaces the deployment of a registered function with the one
// change derives from the current one. It returns the new deployment, or
// nil when the function is not registered.
func (s *Server) update(name string, change func(old *deployment) *deployment) *deployment {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.functions[name]
	if f == nil {
		return nil
	}
	dep := change(f.current())
	f.replace(dep)
	s.log.Info("function updated", "function", dep.name, "runtime", dep.cfg.Runtime, "handler", dep.cfg.Handler)
	return dep
}

// unregister removes a function. It reports whether it was registered.
func (s *Server) unregister(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.functions[name]
	if f == nil {
		return false
	}
	delete(s.functions, name)
	f.remove()
	s.log.Info("function deleted", "function", name)
	return true
}

// loadFunctionsDir deploys every <name>.zip of dir, configured by an
// optional <name>.json.
func (s *Server) loadFunctionsDir(dir string) error {
	zips, err := filepath.Glob(filepath.Join(dir, "*.zip"))
	if err != nil {
		return fmt.Errorf("list functions dir: %w", err)
	}
	if _, err := os.Stat(dir); err != nil {
		return fmt.Errorf("functions dir: %w", err)
	}
	var errs []error
	for _, zipPath := range zips {
		name := strings.TrimSuffix(filepath.Base(zipPath), ".zip")
		fc, err := readSidecar(strings.TrimSuffix(zipPath, ".zip") + ".json")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		data, err := os.ReadFile(zipPath)
		if err != nil {
			errs = append(errs, fmt.Errorf("read %s: %w", zipPath, err))
			continue
		}
		if err := s.Deploy(name, data, fc); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", zipPath, err))
		}
	}
	return errors.Join(errs...)
}

// readSidecar reads the optional configuration file of a zip in the
// functions folder.
func readSidecar(path string) (FunctionConfig, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return FunctionConfig{}, nil
	}
	if err != nil {
		return FunctionConfig{}, fmt.Errorf("read %s: %w", path, err)
	}
	var u updateConfigInput
	if err := json.Unmarshal(data, &u); err != nil {
		return FunctionConfig{}, fmt.Errorf("parse %s: %w", path, err)
	}
	return u.apply(FunctionConfig{}), nil
}

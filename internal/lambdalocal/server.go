package lambdalocal

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"sync"
	"time"
)

// Server is a local Lambda service. Create it with [New], serve it with
// [Server.Serve] (or use it as an http.Handler) and stop it with
// [Server.Close], which kills every handler process it started.
type Server struct {
	cfg    Config
	log    *slog.Logger
	runDir string
	// nodeRuntime is the path of the runtime client of nodejs* functions.
	nodeRuntime string
	fallback    *url.URL
	proxy       http.Handler
	client      *http.Client // forwards deploy calls to the fallback
	mux         *http.ServeMux

	ctx    context.Context // cancelled by Close; stops processes and waits
	cancel context.CancelFunc
	wg     sync.WaitGroup // goroutines that must end before Close returns

	mu        sync.Mutex
	closed    bool
	functions map[string]*function

	cw *cwLogs // function output to the fallback's CloudWatch Logs; nil without fallback
}

// New creates a server and deploys the zips of cfg.FunctionsDir.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if cfg.DataDir != "" {
		if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
			return nil, fmt.Errorf("create data dir: %w", err)
		}
	}
	runDir, err := os.MkdirTemp(cfg.DataDir, "lambda-local-")
	if err != nil {
		return nil, fmt.Errorf("create code dir: %w", err)
	}
	nodeRuntime, err := writeNodeRuntime(runDir)
	if err != nil {
		_ = os.RemoveAll(runDir)
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		nodeRuntime: nodeRuntime,
		cfg:         cfg,
		log:         cfg.Logger,
		runDir:      runDir,
		client:      &http.Client{Timeout: 2 * time.Minute},
		ctx:         ctx,
		cancel:      cancel,
		functions:   map[string]*function{},
	}
	if cfg.Fallback != "" {
		s.fallback, _ = url.Parse(cfg.Fallback) // validated by withDefaults
		s.proxy = newProxy(s.fallback, s.log)
	}
	s.cw = newCWLogs(cfg, s.log)
	s.mux = s.routes()
	if cfg.FunctionsDir != "" {
		if err := s.loadFunctionsDir(cfg.FunctionsDir); err != nil {
			_ = s.Close()
			return nil, err
		}
	}
	return s, nil
}

// routes builds the HTTP routing table.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2015-03-31/functions/{name}/invocations", s.handleInvoke)
	mux.HandleFunc("POST /2015-03-31/functions", s.handleCreate)
	mux.HandleFunc("GET /2015-03-31/functions/{$}", s.handleList)
	mux.HandleFunc("GET /2015-03-31/functions/{name}", s.handleGet)
	mux.HandleFunc("GET /2015-03-31/functions/{name}/configuration", s.handleGetConfiguration)
	mux.HandleFunc("PUT /2015-03-31/functions/{name}/configuration", s.handleUpdateConfiguration)
	mux.HandleFunc("PUT /2015-03-31/functions/{name}/code", s.handleUpdateCode)
	mux.HandleFunc("DELETE /2015-03-31/functions/{name}", s.handleDelete)
	mux.HandleFunc("PUT /2017-10-31/functions/{name}/concurrency", s.handlePutConcurrency)
	mux.HandleFunc("DELETE /2017-10-31/functions/{name}/concurrency", s.handleDeleteConcurrency)
	mux.HandleFunc("GET /2019-09-30/functions/{name}/concurrency", s.handleGetConcurrency)
	mux.HandleFunc("PUT /local/functions/{name}", s.handleLocalPut)
	mux.HandleFunc("DELETE /local/functions/{name}", s.handleLocalDelete)
	mux.HandleFunc("GET /local/health", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("/", s.handleOther)
	return mux
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// handleOther proxies what the server does not implement to the fallback.
func (s *Server) handleOther(w http.ResponseWriter, r *http.Request) {
	if s.proxy != nil {
		s.proxy.ServeHTTP(w, r)
		return
	}
	(&apiError{Status: http.StatusNotFound, Type: "UnknownOperationException",
		Message: fmt.Sprintf("lambda-local does not implement %s %s and has no fallback", r.Method, r.URL.Path)}).write(w)
}

// Serve answers requests on ln until ctx is cancelled, then shuts down:
// it waits up to Config.ShutdownGrace for in-flight requests and then
// closes the server (see [Server.Close]).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return errors.Join(fmt.Errorf("serve: %w", err), s.Close())
	case <-ctx.Done():
	}
	s.log.Info("shutting down")
	grace, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownGrace)
	defer cancel()
	shutdownErr := hs.Shutdown(grace)
	closeErr := s.Close() // ends the invocations still running
	if shutdownErr != nil {
		_ = hs.Close()
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		s.log.Warn("server stopped with an error", "error", err)
	}
	if errors.Is(shutdownErr, context.DeadlineExceeded) {
		shutdownErr = nil // in-flight invocations were cut short, as documented
	}
	return errors.Join(shutdownErr, closeErr)
}

// Close kills all handler processes, drops queued Event invocations, waits
// for the server's goroutines and removes the extracted code. It is safe to
// call more than once.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
	s.cw.close() // after the handler processes: their last lines are sent
	if err := os.RemoveAll(s.runDir); err != nil {
		return fmt.Errorf("remove code dir: %w", err)
	}
	return nil
}

// track registers n goroutines that Close must wait for. It reports false
// (and registers nothing) once Close has begun.
func (s *Server) track(n int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Add(n)
	return true
}

// lookup returns a registered function, or nil.
func (s *Server) lookup(name string) *function {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.functions[name]
}

// FunctionNames lists the registered functions, sorted.
func (s *Server) FunctionNames() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.functions))
	for n := range s.functions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// arn returns the ARN this server gives a function it made up itself.
func (s *Server) arn(name string) string {
	return functionARN(s.cfg.Region, s.cfg.AccountID, name)
}

// notFoundARN names a missing function in a ResourceNotFoundException.
func (s *Server) notFoundARN(ref functionRef) string {
	region, account := s.cfg.Region, s.cfg.AccountID
	if ref.Region != "" {
		region = ref.Region
	}
	if ref.Account != "" {
		account = ref.Account
	}
	return qualify(functionARN(region, account, ref.Name), ref.Qualifier)
}

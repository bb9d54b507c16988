package lambdalocal

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// instanceSeq numbers handler processes for the logs.
var instanceSeq atomic.Int64

// instance is one handler process with its own Runtime API endpoint. It runs
// at most one invocation at a time.
type instance struct {
	f    *function
	dep  *deployment
	id   string
	log  *slog.Logger
	cw   *cwStream // this process's log stream in CloudWatch Logs; may be nil
	cmd  *exec.Cmd
	srv  *http.Server
	addr string

	queue   chan *invocation // the next invocation to hand out; buffered 1
	exited  chan struct{}    // closed when the process has exited
	exitErr error            // set before exited is closed

	mu      sync.Mutex
	current *invocation    // handed out, not yet answered
	logInv  *invocation    // receives the process output lines
	initErr []byte         // body posted to /runtime/init/error
	barrier *outputBarrier // output markers of the Node.js runtime client; nil for others
}

// startInstance starts a handler process for dep, with a Runtime API
// endpoint on a fresh loopback port.
func startInstance(f *function, dep *deployment) (*instance, error) {
	s := f.s
	exe, args, err := s.handlerCommand(dep)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the runtime API: %w", err)
	}
	in := &instance{
		f:      f,
		dep:    dep,
		id:     "i" + strconv.FormatInt(instanceSeq.Add(1), 10),
		addr:   ln.Addr().String(),
		queue:  make(chan *invocation, 1),
		exited: make(chan struct{}),
		cw:     s.cw.stream(f.name),
	}
	if isNodeRuntime(dep.cfg.Runtime) { // node running lambda-local's runtime client
		in.barrier = newOutputBarrier()
	}
	in.log = s.log.With("function", f.name, "instance", in.id)
	in.srv = &http.Server{
		Handler:           in.runtimeAPI(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(in.log.Handler(), slog.LevelDebug),
	}

	out := &lineWriter{emit: in.outputLine}
	cmd := exec.CommandContext(s.ctx, exe, args...)
	cmd.Dir = dep.code.dir
	cmd.Env = processEnv(s.cfg, dep, in.addr)
	cmd.Stdout, cmd.Stderr = out, out
	setProcessGroup(cmd)
	cmd.Cancel = func() error { return killProcessGroup(cmd.Process) }
	cmd.WaitDelay = 2 * time.Second
	in.cmd = cmd

	if err := cmd.Start(); err != nil {
		_ = ln.Close()
		if s.ctx.Err() != nil {
			return nil, errShuttingDown()
		}
		return nil, &entrypointError{fmt.Sprintf("start %s: %v", exe, err)}
	}
	if !s.track(2) { // the server closed meanwhile
		_ = killProcessGroup(cmd.Process)
		_ = cmd.Wait()
		_ = ln.Close()
		return nil, errShuttingDown()
	}
	in.log.Info("handler process started", "pid", cmd.Process.Pid, "runtime_api", in.addr)

	go func() {
		defer s.wg.Done()
		if err := in.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			in.log.Warn("runtime API stopped", "err", err)
		}
	}()
	go func() {
		defer s.wg.Done()
		err := cmd.Wait()
		_ = killProcessGroup(cmd.Process) // reap children left behind
		out.flush()
		in.exitErr = err
		close(in.exited)
		_ = in.srv.Close()
		in.log.Info("handler process exited", "pid", cmd.Process.Pid, "status", exitStatus(err))
		f.instanceGone(in)
	}()
	return in, nil
}

// exitStatus describes how a process ended.
func exitStatus(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

// hasExited reports whether the process is gone.
func (in *instance) hasExited() bool {
	select {
	case <-in.exited:
		return true
	default:
		return false
	}
}

// kill stops the process and everything it started.
func (in *instance) kill() {
	if in.hasExited() {
		return
	}
	if err := killProcessGroup(in.cmd.Process); err != nil && !in.hasExited() {
		in.log.Warn("kill handler process", "err", err)
	}
}

// errNotPickedUp marks an invocation that a reused process never took
// because it exited first; it is safe to run it on a fresh process.
var errNotPickedUp = errors.New("process exited before taking the invocation")

// execute hands inv to the process and waits for its outcome. It returns
// errNotPickedUp when the process exited before taking the invocation.
func (in *instance) execute(ctx context.Context, inv *invocation, initTimeout time.Duration) (result, error) {
	inv.logs.attach(in.cw)
	in.queue <- inv // never blocks: an instance runs one invocation at a time

	initTimer := time.NewTimer(initTimeout)
	defer initTimer.Stop()
	select {
	case <-inv.started:
	case <-in.exited:
		select {
		case <-inv.started: // taken just before the exit: report the crash
		default:
			in.drainQueue()
			return in.exitResult(inv), errNotPickedUp
		}
	case <-initTimer.C:
		in.kill()
		in.drainQueue()
		return inv.timeoutResult(), nil
	case <-ctx.Done():
		in.kill()
		return result{err: errShuttingDown()}, nil
	}

	timer := time.NewTimer(time.Until(inv.deadline))
	defer timer.Stop()
	select {
	case res := <-inv.done:
		return res, nil
	case <-in.exited:
		select {
		case res := <-inv.done: // answered, then exited (e.g. after a panic)
			res.healthy = false
			return res, nil
		default:
			return in.exitResult(inv), nil
		}
	case <-timer.C:
		in.kill()
		return inv.timeoutResult(), nil
	case <-ctx.Done():
		in.kill()
		return result{err: errShuttingDown()}, nil
	}
}

// drainQueue takes back an invocation nobody picked up.
func (in *instance) drainQueue() {
	select {
	case <-in.queue:
	default:
	}
}

// exitResult is the answer for an invocation whose process exited.
func (in *instance) exitResult(inv *invocation) result {
	in.mu.Lock()
	initErr := in.initErr
	in.mu.Unlock()
	if len(initErr) > 0 {
		inv.logs.write(initErr)
		return result{payload: initErr, functionError: "Unhandled"}
	}
	reason := "Runtime exited with error: " + exitStatus(in.exitErr)
	if in.exitErr == nil {
		reason = "Runtime exited without providing a reason"
	}
	inv.logs.printf("RequestId: %s Error: %s", inv.id, reason)
	return errorResult("Runtime.ExitError", "RequestId: %s Error: %s", inv.id, reason)
}

// outputLine receives one line of the process output.
func (in *instance) outputLine(line []byte) {
	id, marked := "", false
	if in.barrier != nil {
		line, id, marked = splitMarker(line)
	}
	in.mu.Lock()
	inv := in.logInv
	if marked {
		in.barrier.markerSeenLocked(id)
	}
	in.mu.Unlock()
	if marked && len(line) == 0 {
		return
	}
	attrs := []any{"line", string(line)}
	if inv != nil {
		inv.logs.write(line) // and to in.cw, attached in execute
		attrs = append(attrs, "request_id", inv.id)
	} else {
		in.cw.write(line)
	}
	in.log.Info("handler output", attrs...)
}

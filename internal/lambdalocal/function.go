package lambdalocal

import (
	"context"
	"os"
	"sync"
	"time"
)

// code is a function's extracted code on disk, shared by the deployments
// that only changed the configuration.
type code struct {
	dir    string // LAMBDA_TASK_ROOT
	sha256 string // base64, as AWS reports CodeSha256
	size   int64  // zip size

	// Guarded by the owning function's mu.
	refs    int  // live instances running this code
	retired bool // replaced; dir is removed once refs drops to 0
}

// deployment is one immutable revision of a function: its code and its
// configuration. Instances are started from a deployment; changing code or
// configuration makes a new one.
type deployment struct {
	name         string
	arn          string
	cfg          FunctionConfig
	code         *code
	lastModified time.Time
	revisionID   string
}

// function is a registered function: its current deployment, its pool of
// idle handler processes and its concurrency accounting.
type function struct {
	s    *Server
	name string

	mu       sync.Mutex
	dep      *deployment
	reserved *int // reserved concurrency; nil means Config.Concurrency
	inflight int  // invocations holding a concurrency slot
	idle     []*instance
	freed    chan struct{} // closed and replaced whenever a slot is released
	deleted  bool
}

func newFunction(s *Server, dep *deployment) *function {
	return &function{s: s, name: dep.name, dep: dep, freed: make(chan struct{})}
}

// current returns the current deployment.
func (f *function) current() *deployment {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dep
}

// limitLocked is the effective concurrency limit. f.mu must be held.
func (f *function) limitLocked() int {
	if f.reserved != nil {
		return *f.reserved
	}
	return f.s.cfg.Concurrency
}

// setReserved sets (or with nil clears) the reserved concurrency.
func (f *function) setReserved(n *int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reserved = n
	f.notifyLocked()
}

// reservedConcurrency returns the reserved concurrency, or nil.
func (f *function) reservedConcurrency() *int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reserved
}

// tryAcquire takes a concurrency slot if one is free.
func (f *function) tryAcquire() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.deleted || f.inflight >= f.limitLocked() {
		return false
	}
	f.inflight++
	return true
}

// acquire waits for a concurrency slot, as queued Event invocations do. It
// reports false when ctx ends or the function is deleted first.
func (f *function) acquire(ctx context.Context) bool {
	for {
		f.mu.Lock()
		if f.deleted {
			f.mu.Unlock()
			return false
		}
		if f.inflight < f.limitLocked() {
			f.inflight++
			f.mu.Unlock()
			return true
		}
		freed := f.freed
		f.mu.Unlock()
		select {
		case <-freed:
		case <-ctx.Done():
			return false
		}
	}
}

// release gives a concurrency slot back.
func (f *function) release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inflight--
	f.notifyLocked()
}

// notifyLocked wakes everything waiting in acquire. f.mu must be held.
func (f *function) notifyLocked() {
	close(f.freed)
	f.freed = make(chan struct{})
}

// instance returns an idle handler process of the current deployment, or
// starts a new one. fresh reports whether the process is new.
func (f *function) instance() (in *instance, fresh bool, err error) {
	f.mu.Lock()
	for len(f.idle) > 0 {
		in = f.idle[len(f.idle)-1]
		f.idle = f.idle[:len(f.idle)-1]
		if in.dep == f.dep && !in.hasExited() {
			f.mu.Unlock()
			return in, false, nil
		}
		// A stale or dead instance: the exit path will account for it.
		in.kill()
	}
	dep := f.dep
	dep.code.refs++
	f.mu.Unlock()

	in, err = startInstance(f, dep)
	if err != nil {
		f.mu.Lock()
		f.dropRefLocked(dep.code)
		f.mu.Unlock()
		return nil, false, err
	}
	return in, true, nil
}

// put returns an instance after an invocation: healthy instances of the
// current deployment go back to the idle pool, the others are killed.
func (f *function) put(in *instance, healthy bool) {
	f.mu.Lock()
	keep := healthy && !f.deleted && in.dep == f.dep && len(f.idle) < f.limitLocked() && !in.hasExited()
	if keep {
		f.idle = append(f.idle, in)
	}
	f.mu.Unlock()
	if !keep {
		in.kill()
	}
}

// instanceGone is called once when an instance's process has exited.
func (f *function) instanceGone(in *instance) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, other := range f.idle {
		if other == in {
			f.idle = append(f.idle[:i], f.idle[i+1:]...)
			break
		}
	}
	f.dropRefLocked(in.dep.code)
}

// dropRefLocked releases one reference to c and removes it once it is
// retired and unused. f.mu must be held.
func (f *function) dropRefLocked(c *code) {
	c.refs--
	if c.retired && c.refs <= 0 {
		f.removeCode(c)
	}
}

// replace makes dep the current deployment. Idle processes of the previous
// one are stopped; busy ones finish their invocation and are stopped then.
func (f *function) replace(dep *deployment) {
	f.mu.Lock()
	old := f.dep
	f.dep = dep
	idle := f.idle
	f.idle = nil
	if old.code != dep.code {
		f.retireLocked(old.code)
	}
	f.mu.Unlock()
	for _, in := range idle {
		in.kill()
	}
}

// remove unregisters the function: queued Event invocations are dropped,
// idle processes stopped, busy ones stopped when they finish.
func (f *function) remove() {
	f.mu.Lock()
	f.deleted = true
	idle := f.idle
	f.idle = nil
	f.retireLocked(f.dep.code)
	f.notifyLocked()
	f.mu.Unlock()
	for _, in := range idle {
		in.kill()
	}
}

// retireLocked marks c as no longer current. f.mu must be held.
func (f *function) retireLocked(c *code) {
	if c.retired {
		return
	}
	c.retired = true
	if c.refs <= 0 {
		f.removeCode(c)
	}
}

// removeCode deletes extracted code.
func (f *function) removeCode(c *code) {
	if err := os.RemoveAll(c.dir); err != nil {
		f.s.log.Warn("remove old function code", "function", f.name, "dir", c.dir, "err", err)
	}
}

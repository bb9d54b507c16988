package expand

import (
	"context"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/apps"
)

// A user's call reads the acting user from the server (a round trip) after
// its context is verified (more round trips). The reads do not depend on
// each other, so Prefetch starts the user's read before the checks, and the
// calls one request makes to several apps (bindings: one per app, in
// parallel) share it. The memo lives in the request's context: nothing is
// remembered past the request, so a changed user is seen by the next one.

type usersKey struct{}

// users remembers the users read during one request.
type users struct {
	get func(userID string) (*model.User, error)
	mu  sync.Mutex
	m   map[string]*userRead
}

// userRead is one read, done or under way: done is closed when u and err
// are set.
type userRead struct {
	done chan struct{}
	u    *model.User
	err  error
}

// read returns the read of userID, starting it when nobody has; with
// background it does not wait for it.
func (us *users) read(userID string, background bool) *userRead {
	us.mu.Lock()
	r, ok := us.m[userID]
	if !ok {
		r = &userRead{done: make(chan struct{})}
		us.m[userID] = r
	}
	us.mu.Unlock()
	if ok {
		return r
	}
	run := func() {
		defer close(r.done)
		r.u, r.err = us.get(userID)
	}
	if background {
		go run()
	} else {
		run()
	}
	return r
}

// Prefetch returns a context under which Expand reads each user once and
// shares the read, and starts reading userID ("" for none) in the
// background when a call with ex would expand them (ex nil: a request whose
// calls are not known yet, such as a command's or a bindings request, which
// nearly always expand the acting user). The users an Expander reads are
// never changed by it, so sharing them between parallel calls is safe.
func (e *Expander) Prefetch(ctx context.Context, userID string, ex *apps.Expand) context.Context {
	us, ok := ctx.Value(usersKey{}).(*users)
	if !ok {
		us = &users{get: e.api.GetUser, m: map[string]*userRead{}}
		ctx = context.WithValue(ctx, usersKey{}, us)
	}
	if userID != "" && (ex == nil || needsUser(ex)) {
		us.read(userID, true)
	}
	return ctx
}

// needsUser reports whether a call with ex expands the acting user.
func needsUser(ex *apps.Expand) bool {
	return ex.ActingUser.Level() != apps.ExpandNone || ex.Locale.Level() != apps.ExpandNone ||
		ex.User.Level() != apps.ExpandNone || ex.OAuth2User.Level() == apps.ExpandAll
}

// getUser reads userID, through the request's memo when ctx has one.
func (e *Expander) getUser(ctx context.Context, userID string) (*model.User, error) {
	us, ok := ctx.Value(usersKey{}).(*users)
	if !ok {
		return e.api.GetUser(userID)
	}
	r := us.read(userID, false)
	select {
	case <-r.done:
		return r.u, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

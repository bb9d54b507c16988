// Package failure is the plugin's one way of saying what went wrong. Every
// error a route or a slash command reports has a Kind, which decides its
// HTTP status, and a message that is safe to show to the user. What is not
// for users (AWS SDK errors, Lambda function names, bucket names) stays in
// the error chain, for the server log only: wrap it with Hide.
//
// Packages declare their sentinel errors with New, so errors.Is keeps
// working and the kind travels with them through fmt.Errorf("%w").
package failure

import (
	"errors"
	"net/http"
)

// Kind classifies an error for the HTTP status and the log level.
type Kind int

// Kinds of errors.
const (
	Internal     Kind = iota // a bug or an unexpected failure: 500
	BadRequest               // the request is malformed: 400
	Unauthorized             // no (valid) credentials: 401
	Forbidden                // the user may not do this: 403
	NotFound                 // no such app, route or object: 404
	Conflict                 // the state does not allow it (yet): 409
	TooLarge                 // a payload over a limit: 413
	Throttled                // too many requests (AWS throttling): 429
	Upstream                 // AWS or the app failed: 502
	Unavailable              // not set up (no credentials): 503
)

var statuses = map[Kind]int{
	Internal: http.StatusInternalServerError, BadRequest: http.StatusBadRequest,
	Unauthorized: http.StatusUnauthorized, Forbidden: http.StatusForbidden, NotFound: http.StatusNotFound,
	Conflict: http.StatusConflict, TooLarge: http.StatusRequestEntityTooLarge,
	Throttled: http.StatusTooManyRequests, Upstream: http.StatusBadGateway, Unavailable: http.StatusServiceUnavailable,
}

// Status is the HTTP status of the kind.
func (k Kind) Status() int {
	if s, ok := statuses[k]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// sentinel is an errors.New with a kind.
type sentinel struct {
	kind Kind
	text string
}

func (s *sentinel) Error() string { return s.text }

// New returns a sentinel error of the given kind; its text is shown to
// users, so it must say nothing they may not know.
func New(kind Kind, text string) error { return &sentinel{kind: kind, text: text} }

// Error is a failure whose cause is not for users: they see Msg, the log
// sees Error() (Msg and the cause).
type Error struct {
	Kind Kind
	// Msg is what the user is told.
	Msg string
	// Err is the cause, for the server log.
	Err error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return e.Msg
	}
	return e.Msg + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Hide wraps err: users are told msg, the log keeps err.
func Hide(kind Kind, msg string, err error) error { return &Error{Kind: kind, Msg: msg, Err: err} }

// KindOf returns the kind of the outermost classified error in err's chain
// (depth first), Internal when no package classified it.
func KindOf(err error) Kind {
	kind := Internal
	walk(err, func(x error) bool {
		switch c := x.(type) { //nolint:errorlint // walk visits every error of the chain
		case *Error:
			kind = c.Kind
			return false
		case *sentinel:
			kind = c.kind
			return false
		}
		return true
	})
	return kind
}

// walk visits err's tree depth first until visit returns false.
func walk(err error, visit func(error) bool) bool {
	if err == nil {
		return true
	}
	if !visit(err) {
		return false
	}
	switch u := err.(type) { //nolint:errorlint // this is the walk over the chain
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if !walk(e, visit) {
				return false
			}
		}
	case interface{ Unwrap() error }:
		return walk(u.Unwrap(), visit)
	}
	return true
}

// Status is the HTTP status for err.
func Status(err error) int { return KindOf(err).Status() }

// Message is what a user may be told of err: the message of the outermost
// Error in its chain (whose cause is hidden), else its whole text. Code
// that passes on errors of other systems (AWS, the KV store) hides them with
// Hide; errors the plugin composes itself are written for users.
func Message(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Msg
	}
	return err.Error()
}

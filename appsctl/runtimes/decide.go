package runtimes

import (
	"fmt"
	"strings"
	"time"
)

// Action is what deploy does with a function's runtime.
type Action int

// Actions of Decide.
const (
	// Keep: the runtime is current (or not in the calendar); nothing to say.
	Keep Action = iota
	// Warn: the function is deployed on its runtime, with a warning.
	Warn
	// Migrate: the function is deployed on Decision.Target.
	Migrate
)

// Decision is what deploy does with one function's runtime.
type Decision struct {
	Action Action
	// Runtime is the manifest's runtime; Target is the one deployed (equal
	// to Runtime unless Action is Migrate).
	Runtime, Target string
	// Message is the one line that says so; empty for Keep.
	Message string
}

// names of the families, for messages.
var familyNames = map[string]string{
	NodeJS: "Node.js", Python: "Python", Java: "Java", DotNet: ".NET", Ruby: "Ruby", Go: "Go", Provided: "OS-only",
}

// Options say what deploy may do with runtimes.
type Options struct {
	// KeepRuntime is --keep-runtime: never migrate.
	KeepRuntime bool
	// Migrate lets deploy migrate functions off runtimes Lambda no longer
	// accepts; without it they are only warned about (with the runtime to
	// move to).
	Migrate bool
}

// Decide says what deploy does at now with function fn on runtime (the
// manifest's). With o.Migrate and without o.KeepRuntime, a Node.js
// function whose runtime Lambda refuses to create or update is migrated to
// the oldest Node.js runtime Lambda accepts for both (the handler string
// is the same), and a runtime with a drop-in successor (DropIn) to it.
// Other deprecated runtimes are warned about. go1.x is left to package
// gomigrate (Keep).
func Decide(fn, runtime string, now time.Time, o Options) Decision {
	d := Decision{Action: Keep, Runtime: runtime, Target: runtime}
	r, ok := Lookup(runtime)
	if !ok || r.Family == Go || !r.Deprecated(now) {
		return d
	}
	d.Action = Warn
	blocked := r.CreateBlocked(now) || r.UpdateBlocked(now)
	if !blocked {
		d.Message = fmt.Sprintf("function %q: runtime %s is deprecated by AWS Lambda %s; it is deployed as %s%s",
			fn, runtime, r.schedule(now), runtime, r.advice(now))
		return d
	}
	refused := fmt.Sprintf("function %q: runtime %s is no longer accepted by AWS Lambda %s", fn, runtime, r.schedule(now))
	refuses := "which AWS Lambda refuses to create or update"
	if !r.UpdateBlocked(now) {
		refuses = "which AWS Lambda refuses for new functions (an existing function can still be updated until " + FormatDate(r.BlockUpdate) + ")"
	}
	target, how := r.successor(now)
	switch {
	case target == "" || !o.Migrate:
		d.Message = fmt.Sprintf("%s; it is deployed as %s, %s%s", refused, runtime, refuses, r.advice(now))
	case o.KeepRuntime:
		d.Message = fmt.Sprintf("%s; --keep-runtime: it is deployed as %s, %s; without --keep-runtime deploy uses %s",
			refused, runtime, refuses, target)
	default:
		d.Action, d.Target = Migrate, target
		d.Message = fmt.Sprintf("%s; deploying it on %s %s; --keep-runtime keeps %s", refused, target, how, runtime)
	}
	return d
}

// successor returns the runtime deploy migrates r to at now, and how to
// describe the move; "" when r is only warned about.
func (r Runtime) successor(now time.Time) (string, string) {
	if r.DropIn != "" {
		if s, ok := Lookup(r.DropIn); !ok || s.CreateBlocked(now) || s.UpdateBlocked(now) {
			return "", ""
		}
		return r.DropIn, "(its drop-in successor: same language version, same handler)"
	}
	if r.Family != NodeJS {
		return "", ""
	}
	s, ok := OldestAccepted(NodeJS, r.ID, now)
	if !ok {
		return "", ""
	}
	return s.ID, "(the oldest Node.js runtime AWS accepts; same handler) — re-test the app on it"
}

// schedule describes r's dates relative to now, e.g. "(deprecated since
// Jun 12, 2024; new functions blocked since Feb 1, 2027, updates from Mar
// 3, 2027)".
func (r Runtime) schedule(now time.Time) string {
	if r.Deprecation.IsZero() && r.BlockCreate.IsZero() && r.BlockUpdate.IsZero() {
		return "(its block dates are not in appsctl's calendar)"
	}
	when := func(t time.Time) string {
		if reached(t, now) {
			return "since " + FormatDate(t)
		}
		return "from " + FormatDate(t)
	}
	var parts []string
	if !r.Deprecation.IsZero() {
		parts = append(parts, "deprecated "+when(r.Deprecation))
	}
	if !r.BlockCreate.IsZero() {
		parts = append(parts, "new functions blocked "+when(r.BlockCreate))
	}
	if !r.BlockUpdate.IsZero() {
		parts = append(parts, "updates blocked "+when(r.BlockUpdate))
	} else {
		parts = append(parts, "block-update date not in appsctl's calendar")
	}
	return "(" + strings.Join(parts, "; ") + ")"
}

// advice names the runtime to move to when deploy does not migrate, and
// why it does not.
func (r Runtime) advice(now time.Time) string {
	s := ""
	if r.DropIn != "" {
		s = fmt.Sprintf("; %s is its drop-in successor (same language version, same handler)", r.DropIn)
	} else if next, ok := OldestAccepted(r.Family, r.ID, now); ok {
		s = fmt.Sprintf("; move it to %s or later", next.ID)
	} else {
		s = fmt.Sprintf("; move it to a current %s runtime", familyNames[r.Family])
	}
	if why := notDropIn[r.Family]; why != "" {
		s += " (deploy does not migrate it: " + why + ")"
	}
	return s
}

// notDropIn says why deploy does not migrate a family's functions to a
// newer version.
var notDropIn = map[string]string{
	Python:   "a new Python version is not a drop-in: compiled extension modules are built for one Python version, and standard modules are removed between versions",
	Java:     "a new Java version may need the code rebuilt and retested",
	DotNet:   "a .NET package targets one framework version and must be rebuilt for another",
	Ruby:     "a new Ruby version is not a drop-in: native gems are built for one Ruby version",
	Provided: "the bootstrap and its libraries are built for one Amazon Linux version",
}

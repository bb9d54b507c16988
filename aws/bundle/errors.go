package bundle

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with a bundle. Subject names what it concerns,
// e.g. `entry "static/../x"`, `function "function1"` or "manifest.json".
type Problem struct {
	Subject string
	Message string
}

// Error returns "subject: message".
func (p *Problem) Error() string {
	if p.Subject == "" {
		return p.Message
	}
	return p.Subject + ": " + p.Message
}

// Error reports every problem found in a bundle at once.
type Error struct {
	Problems []*Problem
}

// Error lists the problems, one per line after a summary line.
func (e *Error) Error() string {
	var b strings.Builder
	if len(e.Problems) == 1 {
		b.WriteString("invalid bundle: 1 problem:")
	} else {
		fmt.Fprintf(&b, "invalid bundle: %d problems:", len(e.Problems))
	}
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p.Error())
	}
	return b.String()
}

// Unwrap returns the individual problems.
func (e *Error) Unwrap() []error {
	errs := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		errs[i] = p
	}
	return errs
}

func (e *Error) addf(subject, format string, args ...any) {
	e.Problems = append(e.Problems, &Problem{Subject: subject, Message: fmt.Sprintf(format, args...)})
}

func (e *Error) err() error {
	if len(e.Problems) == 0 {
		return nil
	}
	return e
}

func entrySubject(name string) string {
	return fmt.Sprintf("entry %q", name)
}

func functionSubject(name string) string {
	return fmt.Sprintf("function %q", name)
}

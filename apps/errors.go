package apps

import (
	"fmt"
	"strings"
)

// FieldError is one validation problem, tied to the JSON field it concerns
// (e.g. "aws_lambda.functions[0].path").
type FieldError struct {
	Field   string
	Message string
}

// Error returns "field: message".
func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// ValidationError collects every problem found by a validation, so that all
// of them can be reported at once. Its Error lists one problem per line.
type ValidationError struct {
	Problems []*FieldError
}

// Add records a problem with field.
func (e *ValidationError) Add(field, message string) {
	e.Problems = append(e.Problems, &FieldError{Field: field, Message: message})
}

// Addf records a problem with field, formatting the message.
func (e *ValidationError) Addf(field, format string, args ...any) {
	e.Add(field, fmt.Sprintf(format, args...))
}

// Err returns e if it holds any problem, and nil otherwise.
func (e *ValidationError) Err() error {
	if e == nil || len(e.Problems) == 0 {
		return nil
	}
	return e
}

// Error lists the problems, one per line.
func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the individual problems, for errors.As and errors.Is.
func (e *ValidationError) Unwrap() []error {
	errs := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		errs[i] = p
	}
	return errs
}

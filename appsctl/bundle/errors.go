package bundle

import (
	"fmt"
	"strings"

	"github.com/lambda-apps/lambda-apps/apps"
)

// Problem is one thing wrong with a bundle. Its Field names what it
// concerns, e.g. `entry "static/../x"`, `function "function1"` or
// "manifest.json".
type Problem = apps.FieldError

// Error reports every problem found in a bundle at once.
type Error struct {
	apps.ValidationError
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

func (e *Error) addf(subject, format string, args ...any) { e.Addf(subject, format, args...) }

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

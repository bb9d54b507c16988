package apps

import (
	"fmt"
	"strings"
)

// AppID identifies an app, e.g. "com.mattermost.servicenow".
type AppID string

// AppVersion is an app's version string, e.g. "0.1.0" or "v1.2.0". It may be
// empty.
type AppVersion string

// Limits for app IDs and versions.
const (
	MinAppIDLength      = 3
	MaxAppIDLength      = 32
	MaxAppVersionLength = 10 // len("v00_00_000")
)

const allowedIDChars = "ASCII letters, digits, '-', '_' and '.'"

// Validate reports whether id is 3-32 characters from ASCII letters, digits,
// '-', '_' and '.', without "..".
func (id AppID) Validate() error {
	s := string(id)
	if s == "" {
		return fmt.Errorf("is required")
	}
	if len(s) < MinAppIDLength || len(s) > MaxAppIDLength {
		return fmt.Errorf("must be %d-%d characters from %s; %q has %d",
			MinAppIDLength, MaxAppIDLength, allowedIDChars, s, len(s))
	}
	return checkIDChars(s)
}

// Validate reports whether v is at most 10 characters from ASCII letters,
// digits, '-', '_' and '.', without "..". An empty version is valid.
func (v AppVersion) Validate() error {
	s := string(v)
	if len(s) > MaxAppVersionLength {
		return fmt.Errorf("must be at most %d characters from %s; %q has %d",
			MaxAppVersionLength, allowedIDChars, s, len(s))
	}
	return checkIDChars(s)
}

func checkIDChars(s string) error {
	for i := 0; i < len(s); i++ {
		if !isIDChar(s[i]) {
			return fmt.Errorf("invalid character %q at position %d in %q; only %s are allowed",
				s[i], i, s, allowedIDChars)
		}
	}
	if strings.Contains(s, "..") {
		return fmt.Errorf("must not contain \"..\" (got %q)", s)
	}
	return nil
}

func isIDChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	case c == '-', c == '_', c == '.':
		return true
	}
	return false
}

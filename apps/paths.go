package apps

import (
	"errors"
	"fmt"
	"strings"
)

// HasPathPrefix reports whether p equals prefix or lies under it, comparing
// whole '/'-separated segments: "/a" is a prefix of "/a" and "/a/b" but not of
// "/ab". A trailing slash on either side is ignored, and a prefix made only
// of slashes ("/") matches every path. An empty prefix matches nothing.
func HasPathPrefix(p, prefix string) bool {
	if prefix == "" {
		return false
	}
	prefix = strings.TrimRight(prefix, "/")
	if prefix == "" {
		return true
	}
	p = strings.TrimRight(p, "/")
	return p == prefix || strings.HasPrefix(p, prefix+"/")
}

// ValidateStaticName checks that name is a clean, relative name of a static
// asset, such as "icon.png" or "img/logo.png": not empty, not absolute, no
// backslashes or control characters, and no empty, "." or ".." segments.
func ValidateStaticName(name string) error {
	switch {
	case name == "":
		return errors.New("must not be empty")
	case strings.HasPrefix(name, "/"):
		return fmt.Errorf("%q must be relative to the app's static folder, not start with '/'", name)
	case strings.Contains(name, `\`):
		return fmt.Errorf("%q must use '/' as separator, not '\\'", name)
	case strings.Contains(name, "://"):
		return fmt.Errorf("%q must be the name of a static asset, not a URL", name)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("%q must not contain control characters", name)
		}
	}
	for _, seg := range strings.Split(name, "/") {
		switch seg {
		case "..":
			return fmt.Errorf("%q must not contain \"..\"", name)
		case "", ".":
			return fmt.Errorf("%q must be a clean path without empty or \".\" segments", name)
		}
	}
	return nil
}

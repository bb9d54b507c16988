package apps

import (
	"cmp"
	"strings"
)

// CompareVersions orders two app versions, returning -1, 0 or +1.
//
// Versions that parse as semantic versions are compared as such: an
// optional leading "v", numeric major[.minor[.patch]] with missing parts
// read as 0, then an optional "-prerelease" (lower than the release) and an
// optional "+build" (ignored). Versions that do not parse are compared
// lexically. So that the order is total and transitive, a version that
// parses is higher than one that does not, and two different strings never
// compare equal: ties by semantic version ("1.0" and "v1.0.0") are broken
// lexically.
func CompareVersions(a, b string) int {
	va, okA := parseSemver(a)
	vb, okB := parseSemver(b)
	switch {
	case okA && okB:
		if c := va.compare(vb); c != 0 {
			return c
		}
	case okA:
		return 1
	case okB:
		return -1
	}
	return strings.Compare(a, b)
}

type semver struct {
	nums [3]string // digits without leading zeros
	pre  []string
}

// parseSemver parses a lenient semantic version (see CompareVersions).
func parseSemver(s string) (semver, bool) {
	var v semver
	if s != "" && (s[0] == 'v' || s[0] == 'V') {
		s = s[1:]
	}
	if i := strings.IndexByte(s, '+'); i >= 0 {
		if !validIdentifiers(s[i+1:]) {
			return v, false
		}
		s = s[:i]
	}
	if i := strings.IndexByte(s, '-'); i >= 0 {
		if !validIdentifiers(s[i+1:]) {
			return v, false
		}
		v.pre = strings.Split(s[i+1:], ".")
		s = s[:i]
	}
	parts := strings.Split(s, ".")
	if len(parts) > 3 {
		return v, false
	}
	for i, p := range parts {
		if !isDigits(p) {
			return v, false
		}
		v.nums[i] = strings.TrimLeft(p, "0")
	}
	return v, true
}

func (v semver) compare(o semver) int {
	for i := range v.nums {
		if c := compareNumeric(v.nums[i], o.nums[i]); c != 0 {
			return c
		}
	}
	switch {
	case len(v.pre) == 0 && len(o.pre) == 0:
		return 0
	case len(v.pre) == 0:
		return 1
	case len(o.pre) == 0:
		return -1
	}
	for i := 0; i < len(v.pre) && i < len(o.pre); i++ {
		if c := compareIdentifier(v.pre[i], o.pre[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(v.pre), len(o.pre))
}

// compareIdentifier orders prerelease identifiers: numeric ones by value
// and below alphanumeric ones, which compare in ASCII order.
func compareIdentifier(a, b string) int {
	na, nb := isDigits(a), isDigits(b)
	switch {
	case na && nb:
		return compareNumeric(strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0"))
	case na:
		return -1
	case nb:
		return 1
	}
	return strings.Compare(a, b)
}

// compareNumeric compares decimal strings without leading zeros, of any
// length.
func compareNumeric(a, b string) int {
	if c := cmp.Compare(len(a), len(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validIdentifiers reports whether s is a non-empty dot-separated list of
// non-empty [0-9A-Za-z-] identifiers.
func validIdentifiers(s string) bool {
	if s == "" {
		return false
	}
	for _, id := range strings.Split(s, ".") {
		if id == "" {
			return false
		}
		for i := 0; i < len(id); i++ {
			if c := id[i]; c != '-' && !isAlnum(c) {
				return false
			}
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

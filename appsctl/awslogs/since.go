package awslogs

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// sinceHelp says what --since takes.
const sinceHelp = "a duration such as 15m, 1h or 2d, or an RFC 3339 time such as 2026-11-30T08:00:00Z"

// ParseSince reads --since: a positive duration before now (Go syntax,
// plus "d" for days: 15m, 1h30m, 2d, 1d12h) or an RFC 3339 time that is
// not in the future.
func ParseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("--since is empty: want %s", sinceHelp)
	}
	if d, ok, err := parseDuration(s); ok {
		if err != nil {
			return time.Time{}, fmt.Errorf("--since %q: %w: want %s", s, err, sinceHelp)
		}
		return now.Add(-d), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--since %q is neither a duration nor an RFC 3339 time: want %s", s, sinceHelp)
	}
	if t.After(now) {
		return time.Time{}, fmt.Errorf("--since %s is in the future (now is %s): give an earlier time", s, now.UTC().Format(time.RFC3339))
	}
	return t, nil
}

// parseDuration parses s as a duration when it looks like one (it does not
// contain a '-' or ':' the way a time does). ok is false for what may be a
// time.
func parseDuration(s string) (d time.Duration, ok bool, err error) {
	if strings.ContainsAny(s, ":T") || strings.Count(s, "-") > 0 && !strings.HasPrefix(s, "-") {
		return 0, false, nil
	}
	rest := s
	if days, after, found := strings.Cut(s, "d"); found {
		n, convErr := strconv.ParseUint(days, 10, 16)
		if convErr != nil {
			return 0, true, errors.New("not a duration (days must be a whole number: 2d, 1d12h)")
		}
		d = time.Duration(n) * 24 * time.Hour
		rest = after
	}
	if rest != "" {
		more, parseErr := time.ParseDuration(rest)
		if parseErr != nil {
			return 0, true, errors.New("not a duration")
		}
		d += more
	}
	if d <= 0 {
		return 0, true, fmt.Errorf("the duration must be positive")
	}
	return d, true, nil
}

// Package bindings fetches the UI bindings of installed apps, keeps only
// the ones under the locations the admin granted, drops invalid ones,
// rewrites relative icons to the plugin's static route and caches the
// result per user and channel for a short time.
package bindings

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"

	"github.com/lambda-apps/lambda-apps/apps"
)

// TopLocations are the locations bindings may be placed at.
var TopLocations = []apps.Location{apps.LocationCommand, apps.LocationChannelHeader, apps.LocationPostMenu, apps.LocationInPost, apps.LocationAppBar}

// Problem is a binding that was dropped, with the reason.
type Problem struct {
	AppID    apps.AppID    `json:"app_id"`
	Location apps.Location `json:"location"`
	Reason   string        `json:"reason"`
}

// cleaner cleans one app's bindings.
type cleaner struct {
	appID    apps.AppID
	granted  []apps.Location
	iconBase string // site URL + static route of the app, ending in "/"
	problems []Problem
}

func (c *cleaner) drop(loc apps.Location, format string, args ...any) {
	c.problems = append(c.problems, Problem{AppID: c.appID, Location: loc, Reason: fmt.Sprintf(format, args...)})
}

// Clean returns app's valid top-level bindings (one per known location)
// and what was dropped. staticBase is the absolute URL of the app's static
// route, e.g. https://mm.example.com/plugins/lambda-apps/api/v1/apps/hello/static/.
func Clean(appID apps.AppID, granted []apps.Location, staticBase string, in []apps.Binding) ([]apps.Binding, []Problem) {
	c := &cleaner{appID: appID, granted: granted, iconBase: staticBase}
	var out []apps.Binding
	seen := map[apps.Location]bool{}
	for _, top := range in {
		loc := apps.Location(strings.TrimSpace(string(top.Location)))
		if !isTop(loc) {
			c.drop(loc, "unknown top-level location %q", loc)
			continue
		}
		if seen[loc] {
			c.drop(loc, "duplicate top-level location")
			continue
		}
		seen[loc] = true
		subs := c.children(loc, top.Bindings, 1)
		if len(subs) > 0 {
			out = append(out, apps.Binding{Location: loc, Bindings: subs})
		}
	}
	return out, c.problems
}

func isTop(l apps.Location) bool {
	for _, t := range TopLocations {
		if l == t {
			return true
		}
	}
	return false
}

const maxDepth = 4

// children cleans the bindings under parent.
func (c *cleaner) children(parent apps.Location, in []apps.Binding, depth int) []apps.Binding {
	var out []apps.Binding
	seenLoc := map[apps.Location]bool{}
	seenLabel := map[string]bool{}
	isCommand := parent.IsUnder(apps.LocationCommand)
	for _, b := range in {
		b.Label = strings.TrimSpace(b.Label)
		b.Location = apps.Location(strings.Trim(strings.TrimSpace(string(b.Location)), "/"))
		if b.Location == "" {
			b.Location = apps.Location(b.Label)
		}
		full := parent.Sub(b.Location)
		if isCommand {
			if b.Label == "" || strings.IndexFunc(b.Label, unicode.IsSpace) >= 0 || strings.HasPrefix(b.Label, "-") {
				c.drop(full, "command label %q must be one word", b.Label)
				continue
			}
			if seenLabel[strings.ToLower(b.Label)] {
				c.drop(full, "duplicate command %q", b.Label)
				continue
			}
		} else if b.Label == "" {
			c.drop(full, "binding needs a label")
			continue
		}
		switch {
		case b.Location == "":
			c.drop(parent, "binding without location or label")
			continue
		case strings.ContainsAny(string(b.Location), "/ \t"):
			c.drop(full, "location must be one path segment")
			continue
		case !full.In(c.granted):
			c.drop(full, "location not granted at install")
			continue
		case seenLoc[b.Location]:
			c.drop(full, "duplicate location")
			continue
		}
		kinds := 0
		if b.Submit != nil {
			kinds++
		}
		if b.Form != nil {
			kinds++
		}
		if len(b.Bindings) > 0 {
			kinds++
		}
		if kinds != 1 {
			c.drop(full, "binding needs exactly one of submit, form or bindings")
			continue
		}
		if len(b.Bindings) > 0 {
			if depth >= maxDepth {
				c.drop(full, "bindings nested too deeply")
				continue
			}
			b.Bindings = c.children(full, b.Bindings, depth+1)
			if len(b.Bindings) == 0 {
				c.drop(full, "no valid sub-bindings")
				continue
			}
		}
		if b.Submit != nil && !strings.HasPrefix(b.Submit.Path, "/") {
			c.drop(full, "submit path %q must start with /", b.Submit.Path)
			continue
		}
		b.AppID = c.appID
		b.Icon = c.icon(b.Icon)
		if b.Form != nil {
			f := *b.Form
			f.Icon = c.icon(f.Icon)
			b.Form = &f
		}
		seenLoc[b.Location] = true
		seenLabel[strings.ToLower(b.Label)] = true
		out = append(out, b)
	}
	return out
}

// icon turns a static asset name into an absolute URL; absolute http(s) and
// data URLs are kept, anything else is dropped.
func (c *cleaner) icon(icon string) string {
	icon = strings.TrimSpace(icon)
	switch {
	case icon == "":
		return ""
	case strings.HasPrefix(icon, "data:image/"):
		return icon
	case strings.HasPrefix(icon, "http://") || strings.HasPrefix(icon, "https://"):
		if _, err := url.Parse(icon); err == nil {
			return icon
		}
		return ""
	case !strings.Contains(icon, ":") && apps.ValidateStaticName(icon) == nil:
		return c.iconBase + escapePath(icon)
	}
	return ""
}

func escapePath(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

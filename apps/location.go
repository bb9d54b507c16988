package apps

import "strings"

// Location is where a binding lives in the Mattermost UI, written as a path:
// "/command", "/channel_header", "/post_menu", "/in_post", "/app_bar", or deeper such as
// "/command/trigger".
type Location string

// Top-level locations.
const (
	LocationCommand       Location = "/command"
	LocationChannelHeader Location = "/channel_header"
	LocationPostMenu      Location = "/post_menu"
	LocationInPost        Location = "/in_post"
	// LocationAppBar is the web client's App Bar (the channel header on
	// servers without it).
	LocationAppBar Location = "/app_bar"
)

// Locations is a list of locations.
type Locations []Location

// IsUnder reports whether l equals parent or lies under it by whole path
// segments: "/command/trigger" is under "/command", "/commands" is not.
func (l Location) IsUnder(parent Location) bool {
	if l == "" {
		return false
	}
	return HasPathPrefix(string(l), string(parent))
}

// In reports whether l equals, or lies under, one of the granted locations.
func (l Location) In(granted []Location) bool {
	for _, g := range granted {
		if l.IsUnder(g) {
			return true
		}
	}
	return false
}

// Sub returns the location of a child binding: l + "/" + sub.
func (l Location) Sub(sub Location) Location {
	switch {
	case sub == "":
		return l
	case l == "":
		return sub
	}
	return Location(strings.TrimRight(string(l), "/") + "/" + strings.TrimLeft(string(sub), "/"))
}

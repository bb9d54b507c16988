// Package lambdaapps is the plugin's identity: its manifest, plugin.json,
// embedded at build time, so that the plugin id and version are written in
// one place for the Go code (the webapp imports the same file).
package lambdaapps

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed plugin.json
var manifestJSON []byte

// The parts of plugin.json the code uses.
var (
	// PluginID is the plugin's id ("lambda-apps").
	PluginID string
	// Version is the plugin's version.
	Version string
	// MinServerVersion is the oldest Mattermost server the plugin supports.
	MinServerVersion string
)

func init() {
	var m struct {
		ID               string `json:"id"`
		Version          string `json:"version"`
		MinServerVersion string `json:"min_server_version"`
	}
	if err := json.Unmarshal(manifestJSON, &m); err != nil || m.ID == "" || m.Version == "" {
		panic(fmt.Sprintf("plugin.json is not a plugin manifest with an id and a version: %v", err))
	}
	PluginID, Version, MinServerVersion = m.ID, m.Version, m.MinServerVersion
}

// PluginPath is where the server serves the plugin's HTTP routes.
func PluginPath() string { return "/plugins/" + PluginID }

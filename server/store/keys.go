// Package store keeps the plugin's records in the plugin KV store: one
// record per installed app (never in the plugin configuration), with atomic
// updates so that concurrent admins or cluster nodes cannot corrupt them.
// Every KV key prefix the plugin uses is declared in this file.
package store

const (
	// installedAppPrefix + app ID holds an InstalledApp.
	installedAppPrefix = "app/"
	// AppDataPrefix + app ID + "/" is reserved for an app's own data.
	AppDataPrefix = "appdata/"
	// AppTokenPrefix + app ID + "/" + session ID records an access token
	// issued to an app (package tokens), until it is revoked.
	AppTokenPrefix = "apptoken/"
	// dialogStateSecretKey holds the key that signs dialog states.
	dialogStateSecretKey = "secret/dialog-state"
	// The catalog cache key lives in the catalog package ("catalog.v1").
)

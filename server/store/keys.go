// Package store keeps the plugin's records in the plugin KV store: one
// record per installed app (never in the plugin configuration), with atomic
// updates so that concurrent admins or cluster nodes cannot corrupt them.
// Every KV key prefix the plugin uses is declared in this file.
package store

import (
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/lambda-apps/lambda-apps/apps"
)

const (
	// installedAppPrefix + app ID holds an InstalledApp.
	installedAppPrefix = "app/"
	// AppDataPrefix + app ID + "/" is reserved for an app's own data; it is
	// all deleted when the app is uninstalled (Apps.DeleteAppData). Under it:
	//   .webhook-secret                     the remote webhook secret
	//   kv/<user ID>/<hash of prefix, key>  the app services KV store (AppKVKey)
	//   oauth2/app                          the remote OAuth2 client (OAuth2AppKey)
	//   oauth2/user/<user ID>               a user's remote OAuth2 data (OAuth2UserKey)
	//   sub/<subject>/<scope>/<user ID>     a subscription (SubscriptionKey)
	//   oauth2/state/<user ID>/<state>      a pending remote OAuth2 connection (OAuth2StateKey)
	AppDataPrefix = "appdata/"
	// AppTokenPrefix + app ID + "/" + session ID records an access token
	// issued to an app (package tokens), until it is revoked.
	AppTokenPrefix = "apptoken/"
	// dialogStateSecretKey holds the key that signs dialog states.
	dialogStateSecretKey = "secret/dialog-state"
	// The catalog cache key lives in the catalog package ("catalog.v1").
)

// AppKVKey is where the app services KV store keeps the value an app stored
// for a user under an app prefix (at most 2 bytes) and key. The prefix and
// key are hashed (SHA-256, base64url) so that any key fits Mattermost's
// 150-character KV keys: at most 8 + 32 + 4 + 26 + 1 + 43 = 114 characters.
func AppKVKey(id apps.AppID, userID, prefix, key string) string {
	h := sha256.Sum256([]byte(strconv.Itoa(len(prefix)) + ":" + prefix + key))
	return AppDataPrefix + string(id) + "/kv/" + userID + "/" + base64.RawURLEncoding.EncodeToString(h[:])
}

// OAuth2AppKey is where an app's remote OAuth2 client is kept.
func OAuth2AppKey(id apps.AppID) string { return AppDataPrefix + string(id) + "/oauth2/app" }

// OAuth2UserKey is where an app's remote OAuth2 data of a user is kept.
func OAuth2UserKey(id apps.AppID, userID string) string {
	return AppDataPrefix + string(id) + "/oauth2/user/" + userID
}

// noScope stands for an unscoped subscription in its key.
const noScope = "-"

// SubscriptionKey is where an app's subscription to e, made by ownerID (the
// user of the token that subscribed), is kept: one per app, event and
// owner, so subscribing again replaces it, and it is discarded with the
// app's data. At most 8 + 32 + 5 + 19 + 1 + 26 + 1 + 26 = 118 characters.
func SubscriptionKey(id apps.AppID, e apps.Event, ownerID string) string {
	scope := e.Scope()
	if scope == "" {
		scope = noScope
	}
	return SubscriptionPrefix(id) + string(e.Subject) + "/" + scope + "/" + ownerID
}

// SubscriptionPrefix is the prefix of all of an app's subscriptions.
func SubscriptionPrefix(id apps.AppID) string { return AppDataPrefix + string(id) + "/sub/" }

// SubscriptionKeyParts are what a subscription's key says.
type SubscriptionKeyParts struct {
	AppID   apps.AppID
	Subject apps.Subject
	Scope   string // "" when unscoped
	OwnerID string
}

// ParseSubscriptionKey reads a key made by SubscriptionKey.
func ParseSubscriptionKey(key string) (SubscriptionKeyParts, bool) {
	rest, ok := strings.CutPrefix(key, AppDataPrefix)
	if !ok {
		return SubscriptionKeyParts{}, false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 5 || parts[1] != "sub" || parts[0] == "" || parts[2] == "" || parts[3] == "" || parts[4] == "" {
		return SubscriptionKeyParts{}, false
	}
	p := SubscriptionKeyParts{AppID: apps.AppID(parts[0]), Subject: apps.Subject(parts[2]), Scope: parts[3], OwnerID: parts[4]}
	if p.Scope == noScope {
		p.Scope = ""
	}
	return p, true
}

// OAuth2StateKey is where a user's pending remote OAuth2 connection to an
// app waits for its completion (package oauth2flow). state is the random
// value the flow made (at most 43 characters: at most 8 + 32 + 14 + 26 + 1
// + 43 = 124 characters in all).
func OAuth2StateKey(id apps.AppID, userID, state string) string {
	return AppDataPrefix + string(id) + "/oauth2/state/" + userID + "/" + state
}

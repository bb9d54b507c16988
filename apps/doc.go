// Package apps holds the Mattermost Apps model shared by the Lambda Apps
// plugin and the appsctl CLI: the app manifest and its validation, calls,
// call requests and responses, forms, bindings, locations and permissions.
//
// The package depends on the standard library only. Mattermost objects that
// appear in a call context (users, channels, posts...) are carried as raw
// JSON so that this package never imports Mattermost code.
package apps

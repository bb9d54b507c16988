package apps

// Permission is a permission an app requests in its manifest and an admin
// grants at install time.
type Permission string

// The permissions known to the Apps framework.
const (
	PermissionActAsBot                      Permission = "act_as_bot"
	PermissionActAsUser                     Permission = "act_as_user"
	PermissionRemoteOAuth2                  Permission = "remote_oauth2"
	PermissionRemoteWebhooks                Permission = "remote_webhooks"
	PermissionUserJoinedChannelNotification Permission = "user_joined_channel_notification"
)

// Permissions is a list of permissions.
type Permissions []Permission

// Contains reports whether p is in the list.
func (ps Permissions) Contains(p Permission) bool {
	for _, x := range ps {
		if x == p {
			return true
		}
	}
	return false
}

// permissionDependencies lists, for a permission, the one it cannot work
// without.
var permissionDependencies = []struct {
	permission, requires Permission
}{
	{PermissionRemoteWebhooks, PermissionActAsBot},
	{PermissionUserJoinedChannelNotification, PermissionActAsBot},
	{PermissionRemoteOAuth2, PermissionActAsUser},
}

// RemoteWebhookAuthType says how the plugin authenticates the remote webhooks
// an app receives.
type RemoteWebhookAuthType string

// The remote webhook authentication types. An empty value means
// RemoteWebhookAuthTypeSecret.
const (
	RemoteWebhookAuthTypeNone   RemoteWebhookAuthType = "none"
	RemoteWebhookAuthTypeSecret RemoteWebhookAuthType = "secret"
	RemoteWebhookAuthTypeJWT    RemoteWebhookAuthType = "jwt"
)

// Command plugin is the server side of the Lambda Apps Mattermost plugin.
package main

import (
	mmplugin "github.com/mattermost/mattermost/server/public/plugin"

	"github.com/lambda-apps/lambda-apps/server/plugin"
)

func main() {
	mmplugin.ClientMain(plugin.New())
}

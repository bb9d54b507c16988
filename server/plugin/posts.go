package plugin

import (
	"github.com/mattermost/mattermost/server/public/model"
	mmplugin "github.com/mattermost/mattermost/server/public/plugin"
)

// postAPI adapts the plugin API to postbindings.MattermostAPI.
type postAPI struct {
	mattermost
	commandAPI
}

// GetPost reads a post (the mattermost adapter's).
func (a postAPI) GetPost(id string) (*model.Post, error) { return a.mattermost.GetPost(id) }

// SendEphemeralPost sends an ephemeral post (the command adapter's).
func (a postAPI) SendEphemeralPost(userID string, post *model.Post) {
	a.commandAPI.SendEphemeralPost(userID, post)
}

// MessageWillBePosted renders the in-post bindings of apps' posts as
// interactive message attachments (postbindings).
func (p *Plugin) MessageWillBePosted(_ *mmplugin.Context, post *model.Post) (*model.Post, string) {
	if p.inPost == nil {
		return nil, ""
	}
	return p.inPost.WillBePosted(post), ""
}

// MessageWillBeUpdated renders the in-post bindings of an edited app post
// again.
func (p *Plugin) MessageWillBeUpdated(_ *mmplugin.Context, newPost, _ *model.Post) (*model.Post, string) {
	if p.inPost == nil {
		return newPost, ""
	}
	return p.inPost.WillBeUpdated(newPost), ""
}

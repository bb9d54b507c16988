package plugin

import (
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/assert"
)

// The post hooks run on every post: with no app installed they change
// nothing, and an edit is never refused (a nil post would refuse it).
func TestPostHooksLeaveOtherPostsAlone(t *testing.T) {
	p := activate(t, newTestAPI(t, nil), nil)
	post := &model.Post{UserId: "u1", ChannelId: "c1", Message: "hi"}
	post.AddProp("app_bindings", []any{map[string]any{"location": "x", "bindings": []any{}}})

	got, reason := p.MessageWillBePosted(nil, post)
	assert.Nil(t, got, "saved as sent")
	assert.Empty(t, reason)

	updated, reason := p.MessageWillBeUpdated(nil, post, post)
	assert.Same(t, post, updated)
	assert.Empty(t, reason)

	plain := &model.Post{UserId: "u1", Message: "plain"}
	updated, _ = p.MessageWillBeUpdated(nil, plain, plain)
	assert.Same(t, plain, updated)
}

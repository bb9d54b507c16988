package appcmd

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/dialog"
)

// A form answering a call from elsewhere (an in-post button) opens the same
// dialog as a command's form, its state sealed for the user and naming the
// post.
func TestOpenFormSealsWhereForTheUser(t *testing.T) {
	f := newFixture(t)
	f.install(t, "hello", "hello")
	app, err := f.apps.Get("hello")
	require.NoError(t, err)
	where := dialog.Where{AppID: "hello", Location: "/in_post/alert/snooze", ChannelID: "ch1", TeamID: "t1", PostID: "p1"}
	form := &apps.Form{Title: "Snooze", Submit: apps.NewCall("/snooze"), Fields: []apps.Field{
		{Name: "minutes", Type: apps.FieldTypeStaticSelect, Options: []apps.SelectOption{{Label: "15", Value: "15"}}},
	}}

	require.NoError(t, f.svc.OpenForm(context.Background(), app, "u1", "trig", where, form))
	require.Len(t, f.mm.dialogs, 1)
	d := f.mm.dialogs[0]
	assert.Equal(t, "trig", d.TriggerId)
	assert.Equal(t, "/plugins/lambda-apps/api/v1/dialog", d.URL)
	assert.Equal(t, "Snooze", d.Dialog.Title)
	st, err := f.svc.Sealer.Open("u1", d.Dialog.State)
	require.NoError(t, err)
	assert.Equal(t, where, st.Where)
	assert.Equal(t, "/snooze", st.Call.Path)
	_, err = f.svc.Sealer.Open("u2", d.Dialog.State)
	assert.ErrorIs(t, err, dialog.ErrOtherUser)

	assert.Error(t, f.svc.OpenForm(context.Background(), app, "u1", "trig", where, &apps.Form{Fields: []apps.Field{{Name: ""}}}),
		"a form that cannot be a dialog is an error, not an empty dialog")
}

package install

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/lambda-apps/lambda-apps/apps"
)

type recorder struct{ events []string }

func (r *recorder) Refresh(userID string) { r.events = append(r.events, "refresh:"+userID) }
func (r *recorder) RevokeApp(id apps.AppID) error {
	r.events = append(r.events, "revoke:"+string(id))
	return errors.New("kv down")
}
func (r *recorder) SyncApp(_ context.Context, id apps.AppID) ([]string, error) {
	r.events = append(r.events, "sync:"+string(id))
	return []string{"`/hello` is taken"}, errors.New("server busy")
}

type nopLogger struct{}

func (nopLogger) Info(string, ...any) {}
func (nopLogger) Warn(string, ...any) {}

func TestAppChangedUpdatesEveryDependent(t *testing.T) {
	r := &recorder{}
	d := &Dependents{Bindings: r, Tokens: r, Commands: r, Log: nopLogger{}}
	notes := d.AppChanged(context.Background(), "hello")
	assert.Equal(t, []string{"revoke:hello", "sync:hello", "refresh:"}, r.events, "a failure of one does not stop the others")
	assert.Equal(t, []string{"`/hello` is taken", "Warning: the app's slash commands could not be registered: server busy"}, notes)
}

package expand

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
)

// countingUsers counts GetUser and can hold it until released.
type countingUsers struct {
	fakeAPI
	reads   atomic.Int64
	release chan struct{} // nil: answer at once
}

func (c *countingUsers) GetUser(id string) (*model.User, error) {
	c.reads.Add(1)
	if c.release != nil {
		<-c.release
	}
	return c.fakeAPI.GetUser(id)
}

func userCall(ex apps.Expand) *apps.CallRequest {
	return &apps.CallRequest{Call: apps.Call{Expand: &ex}, Context: apps.Context{UserID: "u1"}}
}

func TestPrefetchedUserIsReadOnce(t *testing.T) {
	api := &countingUsers{release: make(chan struct{})}
	e := New(api, &fakeTokens{})
	e.OAuth2 = fakeOAuth2{}
	ex := apps.Expand{ActingUser: apps.ExpandSummary, Locale: apps.ExpandAll, User: apps.ExpandSummary, OAuth2User: apps.ExpandAll}
	ctx := e.Prefetch(context.Background(), "u1", &ex)
	require.Eventually(t, func() bool { return api.reads.Load() == 1 }, 5*time.Second, time.Millisecond,
		"the read starts before anything asks for it")
	close(api.release)

	creq := userCall(ex)
	require.NoError(t, e.Expand(ctx, installed(apps.PermissionRemoteOAuth2), "u1", true, creq))
	assert.Contains(t, string(creq.Context.ActingUser), `"username":"name-u1"`)
	assert.Equal(t, "de", creq.Context.Locale)
	assert.NotEmpty(t, creq.Context.User)
	assert.EqualValues(t, 1, api.reads.Load(), "acting user, locale, user and oauth2_user share the read")

	// The next request reads the user again: nothing outlives a request.
	require.NoError(t, e.Expand(e.Prefetch(context.Background(), "u1", &ex), installed(), "u1", true, userCall(ex)))
	assert.EqualValues(t, 2, api.reads.Load())
}

func TestParallelCallsOfARequestShareTheUser(t *testing.T) {
	api := &countingUsers{}
	e := New(api, &fakeTokens{})
	ctx := e.Prefetch(context.Background(), "u1", nil) // a bindings request: calls not known yet
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			creq := userCall(apps.Expand{ActingUser: apps.ExpandSummary})
			assert.NoError(t, e.Expand(ctx, installed(), "u1", true, creq))
			assert.Contains(t, string(creq.Context.ActingUser), "name-u1")
		}()
	}
	wg.Wait()
	assert.EqualValues(t, 1, api.reads.Load())
}

func TestPrefetchReadsOnlyWhatTheCallNeeds(t *testing.T) {
	api := &countingUsers{}
	e := New(api, &fakeTokens{})
	ctx := e.Prefetch(context.Background(), "u1", &apps.Expand{Channel: apps.ExpandSummary})
	ctx = e.Prefetch(ctx, "", nil) // no user: nothing to read
	require.NoError(t, e.Expand(ctx, installed(), "u1", true, userCall(apps.Expand{})))
	assert.EqualValues(t, 0, api.reads.Load())

	// A user read under the memo that nobody prefetched is read on demand.
	creq := userCall(apps.Expand{ActingUser: apps.ExpandID})
	require.NoError(t, e.Expand(ctx, installed(), "u1", true, creq))
	assert.JSONEq(t, `{"id":"u1"}`, string(creq.Context.ActingUser))
	assert.EqualValues(t, 1, api.reads.Load())
}

func TestPrefetchedErrorIsTheReadsError(t *testing.T) {
	api := &countingUsers{}
	e := New(api, &fakeTokens{})
	ex := apps.Expand{ActingUser: "+" + apps.ExpandAll}
	ctx := e.Prefetch(context.Background(), "gone", &ex)
	err := e.Expand(ctx, installed(), "gone", true, userCall(ex))
	require.ErrorIs(t, err, ErrRequired)
	assert.ErrorIs(t, err, errNotFound)
}

func TestWaitingForAPrefetchEndsWithTheRequest(t *testing.T) {
	api := &countingUsers{release: make(chan struct{})}
	defer close(api.release)
	e := New(api, &fakeTokens{})
	ctx, cancel := context.WithCancel(context.Background())
	ctx = e.Prefetch(ctx, "u1", nil)
	cancel()
	_, err := e.getUser(ctx, "u1")
	require.ErrorIs(t, err, context.Canceled)
}

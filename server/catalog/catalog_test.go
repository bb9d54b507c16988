package catalog

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/mattermost/mattermost/server/public/pluginapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/aws/awsclient"
	"github.com/lambda-apps/lambda-apps/aws/s3store"
)

type testLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *testLog) add(level, msg string, kv ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, level+" "+msg+" "+fmt.Sprint(kv...))
}
func (l *testLog) Info(m string, kv ...any)  { l.add("info", m, kv...) }
func (l *testLog) Warn(m string, kv ...any)  { l.add("warn", m, kv...) }
func (l *testLog) Error(m string, kv ...any) { l.add("error", m, kv...) }
func (l *testLog) grep(s string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, line := range l.lines {
		if strings.Contains(line, s) {
			out = append(out, line)
		}
	}
	return out
}

type mutexLocker struct{ sync.Mutex }

func (m *mutexLocker) LockWithContext(context.Context) error { m.Lock(); return nil }

func manifestJSON(id, version string) string {
	return fmt.Sprintf(`{"app_id":%q,"version":%q,"display_name":"App %s","homepage_url":"https://example.com/%s",
	  "aws_lambda":{"functions":[{"path":"/","name":"main","handler":"bootstrap","runtime":"provided.al2023"}]}}`, id, version, id, id)
}

// fakeS3 is an in-process S3 server reached through the real SDK client.
type fakeS3 struct {
	client *s3.Client
	store  *s3store.Store
	gets   atomic.Int64
}

func newFakeS3(t *testing.T) *fakeS3 {
	t.Helper()
	backend := s3mem.New()
	require.NoError(t, backend.CreateBucket("apps"))
	f := &fakeS3{}
	h := gofakes3.New(backend).Server()
	srv := httptest.NewServer(countGets(h, &f.gets))
	t.Cleanup(srv.Close)
	clients := awsclient.New(awsclient.Options{
		Credentials: awsclient.Credentials{AccessKeyID: "AKIAFAKE", SecretAccessKey: "fake"},
		Endpoints:   awsclient.Endpoints{S3: srv.URL},
	})
	f.client = clients.S3()
	f.store = s3store.New(f.client, "apps")
	return f
}

func (f *fakeS3) put(t *testing.T, key, body string) {
	t.Helper()
	_, err := f.client.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String("apps"), Key: aws.String(key), Body: bytes.NewReader([]byte(body)),
	})
	require.NoError(t, err)
}

func (f *fakeS3) del(t *testing.T, key string) {
	t.Helper()
	_, err := f.client.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String("apps"), Key: aws.String(key)})
	require.NoError(t, err)
}

func newService(kv KV, log *testLog) (*Service, *atomic.Int64) {
	var notified atomic.Int64
	return New(Options{KV: kv, Lock: &mutexLocker{}, Log: log, Notify: func() { notified.Add(1) }}), &notified
}

func TestSyncBuildsCatalog(t *testing.T) {
	s3f := newFakeS3(t)
	s3f.put(t, "manifests/hello_0.1.0.json", manifestJSON("hello", "0.1.0"))
	s3f.put(t, "manifests/hello_0.10.0.json", manifestJSON("hello", "0.10.0"))
	s3f.put(t, "manifests/hello_0.9.0.json", manifestJSON("hello", "0.9.0"))
	s3f.put(t, "manifests/other_v1.json", manifestJSON("other", "v1"))
	s3f.put(t, "manifests/broken_1.json", `{"app_id": "broken", `)
	s3f.put(t, "manifests/invalid_1.json", `{"app_id":"invalid","version":"1"}`)
	s3f.put(t, "manifests/wrong_1.json", manifestJSON("right", "1"))
	s3f.put(t, "static/hello_0.1.0_app/icon.png", "png")

	log := &testLog{}
	svc, notified := newService(&pluginapi.MemoryStore{}, log)
	res, err := svc.Sync(context.Background(), s3f.store)
	require.NoError(t, err)
	assert.Equal(t, Result{Listed: 7, Fetched: 7, Skipped: 3, Apps: 2, Changed: true}, res)
	assert.EqualValues(t, 1, notified.Load())

	snap := svc.Snapshot()
	require.Equal(t, 2, snap.Len())
	hello, ok := snap.Get("hello")
	require.True(t, ok)
	assert.Equal(t, "0.10.0", string(hello.Listed().Manifest.Version), "semantic order, not lexical")
	var versions []string
	for _, v := range hello.Versions {
		versions = append(versions, string(v.Manifest.Version))
	}
	assert.Equal(t, []string{"0.1.0", "0.9.0", "0.10.0"}, versions)

	skipped := snap.Skipped()
	require.Len(t, skipped, 3)
	assert.Equal(t, "manifests/broken_1.json", skipped[0].Key)
	assert.Contains(t, skipped[0].Reason, "not valid JSON")
	assert.Equal(t, "manifests/invalid_1.json", skipped[1].Key)
	assert.Contains(t, skipped[1].Reason, "display_name")
	assert.Contains(t, skipped[1].Reason, "homepage_url")
	assert.Equal(t, "manifests/wrong_1.json", skipped[2].Key)
	assert.Contains(t, skipped[2].Reason, "expected manifests/right_1.json")
	assert.Len(t, log.grep("Skipping an app manifest"), 3, "one log line per skipped manifest")

	st := svc.Status()
	assert.Equal(t, 2, st.Apps)
	assert.Equal(t, 4, st.Manifests)
	assert.Equal(t, 3, st.Skipped)
	assert.False(t, st.FromCache)
	assert.Empty(t, st.LastError)
}

func TestResyncDownloadsOnlyChanges(t *testing.T) {
	s3f := newFakeS3(t)
	for i := range 20 {
		s3f.put(t, fmt.Sprintf("manifests/app%02d_1.json", i), manifestJSON(fmt.Sprintf("app%02d", i), "1"))
	}
	s3f.put(t, "manifests/bad_1.json", "nope")
	log := &testLog{}
	svc, _ := newService(&pluginapi.MemoryStore{}, log)
	_, err := svc.Sync(context.Background(), s3f.store)
	require.NoError(t, err)

	before := s3f.gets.Load()
	res, err := svc.Sync(context.Background(), s3f.store)
	require.NoError(t, err)
	assert.Equal(t, Result{Listed: 21, Reused: 21, Skipped: 1, Apps: 20}, res)
	assert.Equal(t, before, s3f.gets.Load(), "an unchanged bucket is only listed")
	assert.Len(t, log.grep("Skipping"), 1, "an unchanged bad manifest is not logged again")

	s3f.put(t, "manifests/app03_1.json", strings.Replace(manifestJSON("app03", "1"), "App app03", "Renamed", 1))
	s3f.del(t, "manifests/app04_1.json")
	s3f.put(t, "manifests/app04_2.json", manifestJSON("app04", "2"))
	res, err = svc.Sync(context.Background(), s3f.store)
	require.NoError(t, err)
	assert.Equal(t, 2, res.Fetched)
	assert.True(t, res.Changed)
	app03, _ := svc.Snapshot().Get("app03")
	assert.Equal(t, "Renamed", app03.Listed().Manifest.DisplayName)
	app04, _ := svc.Snapshot().Get("app04")
	require.Len(t, app04.Versions, 1)
	assert.Equal(t, "2", string(app04.Listed().Manifest.Version))
}

// failingSource fails as S3 would when it is down.
type failingSource struct{ err error }

func (f failingSource) List(context.Context, string) ([]s3store.Object, error) { return nil, f.err }
func (f failingSource) ReadSmall(context.Context, string, int64) ([]byte, string, error) {
	return nil, "", f.err
}

func TestRestartServesCacheWhenS3IsDown(t *testing.T) {
	s3f := newFakeS3(t)
	s3f.put(t, "manifests/hello_1.0.0.json", manifestJSON("hello", "1.0.0"))
	s3f.put(t, "manifests/bad_1.json", "{")
	kv := &pluginapi.MemoryStore{}
	first, _ := newService(kv, &testLog{})
	_, err := first.Sync(context.Background(), s3f.store)
	require.NoError(t, err)
	syncedAt := first.Snapshot().SyncedAt()

	// "Restart": a new service over the same KV store, with S3 down.
	second, notified := newService(kv, &testLog{})
	require.NoError(t, second.LoadCache())
	assert.Equal(t, 1, second.Snapshot().Len())
	assert.True(t, second.Status().FromCache)
	assert.Len(t, second.Snapshot().Skipped(), 1)

	_, err = second.Sync(context.Background(), failingSource{err: s3store.ErrUnreachable})
	require.ErrorIs(t, err, s3store.ErrUnreachable)
	assert.Zero(t, notified.Load())
	st := second.Status()
	assert.Equal(t, 1, st.Apps, "the cached catalog is still served")
	assert.Contains(t, st.LastError, "unreachable")
	assert.True(t, st.LastSync.Equal(syncedAt))
	assert.False(t, st.LastTry.IsZero())
}

// flakySource fails downloads of one key.
type flakySource struct {
	*s3store.Store
	failKey string
}

func (f flakySource) ReadSmall(ctx context.Context, key string, limit int64) ([]byte, string, error) {
	if key == f.failKey {
		return nil, "", s3store.ErrUnreachable
	}
	return f.Store.ReadSmall(ctx, key, limit)
}

func TestFailedDownloadKeepsLastGoodCopy(t *testing.T) {
	s3f := newFakeS3(t)
	s3f.put(t, "manifests/app-a_1.json", manifestJSON("app-a", "1"))
	s3f.put(t, "manifests/app-b_1.json", manifestJSON("app-b", "1"))
	svc, _ := newService(&pluginapi.MemoryStore{}, &testLog{})
	_, err := svc.Sync(context.Background(), s3f.store)
	require.NoError(t, err)

	s3f.put(t, "manifests/app-a_1.json", strings.Replace(manifestJSON("app-a", "1"), "App app-a", "A2", 1))
	s3f.put(t, "manifests/app-c_1.json", manifestJSON("app-c", "1"))
	res, err := svc.Sync(context.Background(), flakySource{Store: s3f.store, failKey: "manifests/app-a_1.json"})
	require.NoError(t, err)
	assert.Equal(t, 1, res.FetchErrs)
	a, ok := svc.Snapshot().Get("app-a")
	require.True(t, ok, "the previous copy of app-a is kept")
	assert.Equal(t, "App app-a", a.Listed().Manifest.DisplayName)
	_, ok = svc.Snapshot().Get("app-c")
	assert.True(t, ok)
	assert.Contains(t, svc.Status().LastError, "1 manifests could not be downloaded")
}

func TestCorruptCacheIsReported(t *testing.T) {
	kv := &pluginapi.MemoryStore{}
	_, err := kv.Set(CacheKey, []byte("not gzip"))
	require.NoError(t, err)
	svc, _ := newService(kv, &testLog{})
	require.ErrorContains(t, svc.LoadCache(), "not gzip")
	assert.Equal(t, 0, svc.Snapshot().Len())

	// A sync still works and overwrites the bad cache.
	s3f := newFakeS3(t)
	s3f.put(t, "manifests/app-a_1.json", manifestJSON("app-a", "1"))
	_, err = svc.Sync(context.Background(), s3f.store)
	require.NoError(t, err)
	require.NoError(t, svc.LoadCache())
	assert.Equal(t, 1, svc.Snapshot().Len())
}

func TestSyncPicksUpNewerCacheFromOtherNode(t *testing.T) {
	s3f := newFakeS3(t)
	s3f.put(t, "manifests/app-a_1.json", manifestJSON("app-a", "1"))
	kv := &pluginapi.MemoryStore{}
	lock := &mutexLocker{}
	nodeA := New(Options{KV: kv, Lock: lock, Log: &testLog{}})
	nodeB := New(Options{KV: kv, Lock: lock, Log: &testLog{}})
	_, err := nodeA.Sync(context.Background(), s3f.store)
	require.NoError(t, err)

	before := s3f.gets.Load()
	res, err := nodeB.Sync(context.Background(), s3f.store)
	require.NoError(t, err)
	assert.Equal(t, 1, res.Reused, "node B reuses what node A downloaded")
	assert.Equal(t, before, s3f.gets.Load())
}

func TestConcurrentSyncsAreSerialised(t *testing.T) {
	s3f := newFakeS3(t)
	for i := range 30 {
		s3f.put(t, fmt.Sprintf("manifests/app%02d_1.json", i), manifestJSON(fmt.Sprintf("app%02d", i), "1"))
	}
	kv := &pluginapi.MemoryStore{}
	svc := New(Options{KV: kv, Lock: &mutexLocker{}, Log: &testLog{}, Concurrency: 4})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := svc.Sync(context.Background(), s3f.store)
			assert.NoError(t, err)
			_ = svc.Snapshot().Apps()
			_ = svc.Status()
		}()
	}
	wg.Wait()
	assert.Equal(t, 30, svc.Snapshot().Len())
	assert.Equal(t, int64(30), s3f.gets.Load(), "each manifest downloaded once")
}

func TestCanceledSync(t *testing.T) {
	s3f := newFakeS3(t)
	s3f.put(t, "manifests/app-a_1.json", manifestJSON("app-a", "1"))
	svc, _ := newService(&pluginapi.MemoryStore{}, &testLog{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := svc.Sync(ctx, s3f.store)
	require.Error(t, err)
	assert.Equal(t, 0, svc.Snapshot().Len())
	_ = time.Now
}

type invalidations struct{ n int }

func (i *invalidations) Invalidate() { i.n++ }

func TestEverySyncDropsWhatWasDerivedFromTheApps(t *testing.T) {
	s3f := newFakeS3(t)
	s3f.put(t, "manifests/app_1.json", manifestJSON("app", "1"))
	svc, _ := newService(&pluginapi.MemoryStore{}, &testLog{})
	cached := &invalidations{}
	svc.SetCached(cached)
	_, err := svc.Sync(context.Background(), s3f.store)
	require.NoError(t, err)
	res, err := svc.Sync(context.Background(), s3f.store)
	require.NoError(t, err)
	assert.False(t, res.Changed)
	assert.Equal(t, 2, cached.n, "even an unchanged manifest: deploy --update of the same version changes the functions")
}

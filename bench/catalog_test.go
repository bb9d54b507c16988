//go:build bench

package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/mattermost/mattermost/server/public/pluginapi"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/aws/awsclient"
	"github.com/lambda-apps/lambda-apps/aws/s3store"
	"github.com/lambda-apps/lambda-apps/internal/testaws"
	"github.com/lambda-apps/lambda-apps/server/catalog"
)

type mutexLock struct{ sync.Mutex }

func (m *mutexLock) LockWithContext(context.Context) error { m.Lock(); return nil }

type quietLog struct{}

func (quietLog) Info(string, ...any)  {}
func (quietLog) Warn(string, ...any)  {}
func (quietLog) Error(string, ...any) {}

func manifest(i int) string {
	return fmt.Sprintf(`{"app_id":"bench-app-%04d","version":"1.0.%d","display_name":"Bench app %d","description":"An app used to measure the catalog",
  "homepage_url":"https://example.com/apps/%d","icon":"icon.png","requested_permissions":["act_as_bot"],
  "requested_locations":["/command","/channel_header"],"on_install":{"path":"/install","expand":{"acting_user":"summary"}},
  "aws_lambda":{"functions":[{"path":"/","name":"main","handler":"bootstrap","runtime":"provided.al2023"}]}}`, i, i%7, i, i)
}

// bucketWith1000 fills a versitygw bucket with n manifests.
func bucketWith(t testing.TB, n int) (*s3.Client, *s3store.Store) {
	t.Helper()
	srv := testaws.StartVersity(t)
	c := awsclient.New(awsclient.Options{Credentials: srv.Credentials, Endpoints: awsclient.Endpoints{S3: srv.URL}}).S3()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bench")})
	require.NoError(t, err)
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bench"),
				Key: aws.String(fmt.Sprintf("manifests/bench-app-%04d_1.0.%d.json", i, i%7)), Body: bytes.NewReader([]byte(manifest(i)))})
			require.NoError(t, err)
		}()
	}
	wg.Wait()
	return c, s3store.New(c, "bench")
}

func measureCatalog(t *testing.T, r *report, n int) {
	ctx := context.Background()
	c, src := bucketWith(t, n)

	// Baselines: plain SDK listing, and listing + downloading every object
	// with the same concurrency, without decoding or validating.
	t0 := time.Now()
	objs, err := src.List(ctx, "manifests/")
	require.NoError(t, err)
	listOnly := time.Since(t0)
	require.Len(t, objs, n)
	t0 = time.Now()
	var wg sync.WaitGroup
	sem := make(chan struct{}, catalog.DefaultConcurrency)
	for _, o := range objs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bench"), Key: aws.String(o.Key)})
			if err == nil {
				_, _ = io.Copy(io.Discard, out.Body)
				out.Body.Close()
			}
		}()
	}
	wg.Wait()
	rawFetch := listOnly + time.Since(t0)

	kv := &pluginapi.MemoryStore{}
	svc := catalog.New(catalog.Options{KV: kv, Lock: &mutexLock{}, Log: quietLog{}})
	t0 = time.Now()
	res, err := svc.Sync(ctx, src)
	cold := time.Since(t0)
	require.NoError(t, err)
	require.Equal(t, n, res.Apps)
	r.add(fmt.Sprintf("catalog cold sync, %d manifests", n), ms(cold), ms(rawFetch)+" list+get", "≤ 3 s", cold <= 3*time.Second)

	var blob []byte
	require.NoError(t, kv.Get(catalog.CacheKey, &blob))
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	restarted := catalog.New(catalog.Options{KV: kv, Lock: &mutexLock{}, Log: quietLog{}})
	t0 = time.Now()
	require.NoError(t, restarted.LoadCache())
	warm := time.Since(t0)
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	require.Equal(t, n, restarted.Snapshot().Len())
	r.add("catalog restart from KV cache", ms(warm), fmt.Sprintf("%.0f KiB cached (gzip)", float64(len(blob))/1024), "≤ 100 ms", warm <= 100*time.Millisecond)
	perApp := (after.HeapAlloc - before.HeapAlloc) / uint64(n)
	r.add("catalog memory per app", fmt.Sprintf("%.1f KiB", float64(perApp)/1024), fmt.Sprintf("%d B manifest JSON", len(manifest(500))), "", true)
	runtime.KeepAlive(restarted)

	t0 = time.Now()
	res, err = svc.Sync(ctx, src)
	resync := time.Since(t0)
	require.NoError(t, err)
	require.Zero(t, res.Fetched)
	r.add("catalog resync, nothing changed", ms(resync), ms(listOnly)+" listing", "≤ 1 s", resync <= time.Second)
}

//go:build bench

package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/mattermost/mattermost/server/public/pluginapi"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/s3store"
	"github.com/lambda-apps/lambda-apps/server/httpapi"
	"github.com/lambda-apps/lambda-apps/server/static"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// discard is a ResponseWriter that counts and drops the body.
type discard struct {
	h http.Header
	n int64
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(int)             {}
func (d *discard) Write(p []byte) (int, error) { d.n += int64(len(p)); return len(p), nil }

// peakHeap runs f while sampling the live heap, and returns the peak growth
// over the heap before f.
func peakHeap(f func()) uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	f()
	close(stop)
	<-done
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}

func measureStatic(t *testing.T, r *report, size int64) {
	ctx := context.Background()
	c, s3s := bucketWith(t, 0)
	key := "static/big-app_1.0.0_app/big.bin"
	data := make([]byte, size)
	_, _ = rand.Read(data)
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bench"), Key: aws.String(key), Body: bytes.NewReader(data)})
	require.NoError(t, err)
	data = nil //nolint:ineffassign,wastedassign // let the GC take it before measuring
	runtime.GC()

	installed := store.NewApps(&pluginapi.MemoryStore{}, nil)
	require.NoError(t, installed.Put(&store.InstalledApp{Manifest: apps.Manifest{AppID: "big-app", Version: "1.0.0"}}))
	router := httpapi.NewRouter(httpapi.Deps{Log: nopLog{}, Static: &static.Service{Apps: installed, Stores: fixedStores{s3s}}})
	var baseline, served uint64
	var n int64
	baseline = peakHeap(func() {
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bench"), Key: aws.String(key)})
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, out.Body)
		out.Body.Close()
	})
	var elapsed time.Duration
	served = peakHeap(func() {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/apps/big-app/static/big.bin", nil)
		req.Header.Set(httpapi.UserIDHeader, "user")
		w := &discard{h: http.Header{}}
		t0 := time.Now()
		router.ServeHTTP(w, req)
		elapsed = time.Since(t0)
		n = w.n
	})
	require.Equal(t, size, n)
	r.add("static asset 100 MB, heap growth", mib(served), mib(baseline)+" SDK GetObject", "< 16 MiB", served < 16<<20)
	r.add("static asset 100 MB, throughput", mbps(size, elapsed), "", "", true)
}

// fixedStores is a configuration whose S3 store does not change.
type fixedStores struct{ s *s3store.Store }

func (f fixedStores) S3() (*s3store.Store, error) { return f.s, nil }

package catalog

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/mattermost/mattermost/server/public/pluginapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/awsclient"
	"github.com/lambda-apps/lambda-apps/aws/s3store"
	"github.com/lambda-apps/lambda-apps/internal/testaws"
)

type realS3 struct {
	name    string
	start   func(t *testing.T) (url string, creds awsclient.Credentials, stop func())
	badAuth bool // the server checks signatures
}

var realS3Servers = []realS3{
	{name: "moto", start: func(t *testing.T) (string, awsclient.Credentials, func()) {
		m := testaws.StartMoto(t)
		return m.URL, testaws.Credentials, m.Stop
	}},
	{name: "versitygw", badAuth: true, start: func(t *testing.T) (string, awsclient.Credentials, func()) {
		s := testaws.StartVersity(t)
		return s.URL, s.Credentials, s.Stop
	}},
}

func s3Client(url string, creds awsclient.Credentials) *s3.Client {
	return awsclient.New(awsclient.Options{Credentials: creds, Endpoints: awsclient.Endpoints{S3: url}, MaxAttempts: 1}).S3()
}

func TestSyncAgainstRealS3Servers(t *testing.T) {
	for _, srv := range realS3Servers {
		t.Run(srv.name, func(t *testing.T) {
			ctx := context.Background()
			url, creds, stop := srv.start(t)
			c := s3Client(url, creds)
			_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("apps-bucket")})
			require.NoError(t, err)
			for key, body := range map[string]string{
				"manifests/hello-app_1.0.0.json": manifestJSON("hello-app", "1.0.0"),
				"manifests/hello-app_1.2.0.json": manifestJSON("hello-app", "1.2.0"),
				"manifests/broken_1.json":        `{"app_id": "broken",`,
				"manifests/wrong-key_1.json":     manifestJSON("other-app", "1"),
				"static/hello-app_1.0.0_app/x":   "asset",
			} {
				_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("apps-bucket"), Key: aws.String(key), Body: bytes.NewReader([]byte(body))})
				require.NoError(t, err)
			}

			kv := &pluginapi.MemoryStore{}
			log := &testLog{}
			svc, _ := newService(kv, log)
			store := s3store.New(c, "apps-bucket")
			require.NoError(t, store.Check(ctx))
			res, err := svc.Sync(ctx, store)
			require.NoError(t, err)
			assert.Equal(t, Result{Listed: 4, Fetched: 4, Skipped: 2, Apps: 1, Changed: true}, res)
			hello, ok := svc.Snapshot().Get("hello-app")
			require.True(t, ok)
			assert.Equal(t, apps.AppVersion("1.2.0"), hello.Listed().Manifest.Version)
			assert.Len(t, hello.Versions, 2)
			assert.Len(t, log.grep("broken_1.json"), 1)
			assert.Len(t, log.grep("wrong-key_1.json"), 1)

			res, err = svc.Sync(ctx, store)
			require.NoError(t, err)
			assert.Equal(t, 0, res.Fetched, "ETags are stable: nothing is downloaded again")

			if srv.badAuth {
				bad := s3store.New(s3Client(url, awsclient.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: "wrong"}), "apps-bucket")
				err := bad.Check(ctx)
				require.Error(t, err)
				assert.ErrorIs(t, err, s3store.ErrBadCredentials, "%v", err)
			}

			// The server goes away; a restarted plugin serves the cached catalog.
			stop()
			restarted, _ := newService(kv, &testLog{})
			require.NoError(t, restarted.LoadCache())
			_, err = restarted.Sync(ctx, store)
			require.ErrorIs(t, err, s3store.ErrUnreachable)
			assert.Equal(t, 1, restarted.Snapshot().Len())
			st := restarted.Status()
			assert.True(t, st.FromCache)
			assert.Contains(t, st.LastError, "unreachable")
		})
	}
}

package plugin

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattermost/mattermost/server/public/pluginapi"

	"github.com/lambda-apps/lambda-apps/aws/awsclient"
	"github.com/lambda-apps/lambda-apps/aws/lambdainvoke"
	"github.com/lambda-apps/lambda-apps/aws/s3store"
	"github.com/lambda-apps/lambda-apps/server/appcall"
	"github.com/lambda-apps/lambda-apps/server/catalog"
	"github.com/lambda-apps/lambda-apps/server/config"
	"github.com/lambda-apps/lambda-apps/server/failure"
)

// snapshot is one configuration and the AWS clients built from it.
type snapshot struct {
	cfg    *config.Config
	s3     *s3store.Store        // nil without credentials
	lambda *lambdainvoke.Client  // nil without credentials
	s3api  s3store.HeadBucketAPI // nil without credentials
}

func newSnapshot(cfg *config.Config) *snapshot {
	s := &snapshot{cfg: cfg}
	if !cfg.AWSEnabled() {
		return s
	}
	clients := awsclient.New(cfg.AWSOptions())
	s3c := clients.S3()
	s.s3api = s3c
	s.s3 = s3store.New(s3c, cfg.Bucket)
	s.lambda = lambdainvoke.New(clients.Lambda(lambdainvoke.ClientOptions), lambdainvoke.Options{})
	return s
}

var errNoCredentials = failure.New(failure.Unavailable,
	fmt.Sprintf("AWS apps are unavailable: set %s and %s in the Mattermost server's environment and restart it", config.EnvAccessKey, config.EnvSecretKey))

// env is the current configuration and its AWS clients, for the services
// that need them (appcall.Environment, catalog.Sources, static.Stores,
// status.AWS). OnConfigurationChange replaces the snapshot.
type env struct {
	client *pluginapi.Client

	mu   sync.RWMutex
	snap *snapshot

	site atomic.Pointer[cachedSiteURL]
}

func (e *env) set(s *snapshot) (old *snapshot) {
	e.mu.Lock()
	defer e.mu.Unlock()
	old, e.snap = e.snap, s
	e.site.Store(nil) // the server's configuration changed too, perhaps its Site URL
	return old
}

func (e *env) current() *snapshot {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.snap
}

// Config is the current configuration.
func (e *env) Config() *config.Config { return e.current().cfg }

// Invoker is the Lambda client.
func (e *env) Invoker() (appcall.Invoker, error) {
	if l := e.current().lambda; l != nil {
		return l, nil
	}
	return nil, errNoCredentials
}

// S3 is the bucket's store.
func (e *env) S3() (*s3store.Store, error) {
	if s := e.current().s3; s != nil {
		return s, nil
	}
	return nil, errNoCredentials
}

// S3API is the S3 client (nil without credentials).
func (e *env) S3API() s3store.HeadBucketAPI { return e.current().s3api }

// Source is where the catalog is read from.
func (e *env) Source() (catalog.Source, error) {
	if s := e.current().s3; s != nil {
		return s, nil
	}
	return nil, fmt.Errorf("%w: %w", catalog.ErrNoSource, errNoCredentials)
}

// CallTimeout bounds one app call.
func (e *env) CallTimeout() time.Duration { return e.current().cfg.CallTimeout }

// TokenLifetime bounds the access tokens apps get.
func (e *env) TokenLifetime() time.Duration { return e.current().cfg.TokenLifetime }

// siteURLTTL bounds how long a changed Site URL may take to reach the
// plugin when the server does not tell it (OnConfigurationChange does).
const siteURLTTL = 10 * time.Second

type cachedSiteURL struct {
	url string
	at  time.Time
}

// SiteURL is the server's site URL. Reading the server's configuration is
// an RPC that copies all of it, and every app call needs the URL, so it is
// cached for siteURLTTL and dropped on every configuration change.
func (e *env) SiteURL() string {
	if c := e.site.Load(); c != nil && time.Since(c.at) < siteURLTTL {
		return c.url
	}
	url := ""
	if u := e.client.Configuration.GetConfig().ServiceSettings.SiteURL; u != nil {
		url = *u
	}
	e.site.Store(&cachedSiteURL{url: url, at: time.Now()})
	return url
}

package plugin

import (
	"context"
	"errors"
	"fmt"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/awsclient"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
	"github.com/lambda-apps/lambda-apps/aws/lambdainvoke"
	"github.com/lambda-apps/lambda-apps/aws/s3store"
	"github.com/lambda-apps/lambda-apps/server/appcall"
	"github.com/lambda-apps/lambda-apps/server/catalog"
	"github.com/lambda-apps/lambda-apps/server/config"
	"github.com/lambda-apps/lambda-apps/server/httpapi"
	"github.com/lambda-apps/lambda-apps/server/status"
)

// services are the AWS clients of one configuration snapshot.
type services struct {
	cfg    *config.Config
	s3     *s3store.Store        // nil without credentials
	lambda *lambdainvoke.Client  // nil without credentials
	s3api  s3store.HeadBucketAPI // nil without credentials
}

var errNoCredentials = fmt.Errorf("set %s and %s in the Mattermost server's environment and restart it", config.EnvAccessKey, config.EnvSecretKey)

func newServices(cfg *config.Config) *services {
	svc := &services{cfg: cfg}
	if !cfg.AWSEnabled() {
		return svc
	}
	clients := awsclient.New(cfg.AWSOptions())
	s3c := clients.S3()
	svc.s3api = s3c
	svc.s3 = s3store.New(s3c, cfg.Bucket)
	svc.lambda = lambdainvoke.New(clients.Lambda(lambdainvoke.ClientOptions), lambdainvoke.Options{})
	return svc
}

func (s *services) invoker() (appcall.Invoker, error) {
	if s.lambda == nil {
		return nil, errNoCredentials
	}
	return s.lambda, nil
}

func (s *services) source() (catalog.Source, error) {
	if s.s3 == nil {
		return nil, fmt.Errorf("%w: %w", catalog.ErrNoSource, errNoCredentials)
	}
	return s.s3, nil
}

func (p *Plugin) status(ctx context.Context) status.Report {
	svc := p.services()
	var installed []status.InstalledApp
	for _, a := range p.apps.List() {
		installed = append(installed, status.InstalledApp{AppID: string(a.ID()), Name: a.Manifest.DisplayName, Version: string(a.Manifest.Version), Enabled: a.Enabled()})
	}
	return status.Check(ctx, Version, svc.cfg, svc.s3api, p.catalog.Status(), installed)
}

// openStatic opens a static asset of an installed app (any state: icons of
// disabled apps still show in lists).
func (p *Plugin) openStatic(ctx context.Context, appID apps.AppID, name, ifNoneMatch string) (*s3store.Content, error) {
	app, err := p.apps.Get(appID)
	if err != nil {
		return nil, httpapi.ErrStaticNotFound
	}
	svc := p.services()
	if svc.s3 == nil {
		return nil, errNoCredentials
	}
	key := awsnames.StaticKey(string(app.ID()), string(app.Manifest.Version), name)
	return svc.s3.Open(ctx, key, ifNoneMatch)
}

// refresh syncs the catalog now.
func (p *Plugin) refresh(ctx context.Context) (catalog.Result, error) {
	src, err := p.services().source()
	if err != nil {
		p.catalog.SetError(err)
		return catalog.Result{}, err
	}
	res, err := p.catalog.Sync(ctx, src)
	if err != nil {
		p.client.Log.Warn("Catalog sync failed; serving the previous catalog", "error", err.Error())
		return res, err
	}
	p.client.Log.Info("Catalog synced", "apps", res.Apps, "listed", res.Listed, "fetched", res.Fetched, "reused", res.Reused, "skipped", res.Skipped)
	return res, nil
}

func (p *Plugin) refreshText(ctx context.Context) (string, error) {
	res, err := p.refresh(ctx)
	if err != nil {
		if errors.Is(err, catalog.ErrNoSource) {
			return "", fmt.Errorf("the catalog cannot be refreshed: %w", errNoCredentials)
		}
		return "", err
	}
	return fmt.Sprintf("Catalog refreshed: %d apps (%d manifests listed, %d downloaded, %d unchanged, %d skipped).",
		res.Apps, res.Listed, res.Fetched, res.Reused, res.Skipped), nil
}

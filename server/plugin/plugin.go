// Package plugin wires the Mattermost plugin hooks to the plugin's services.
// It holds no business logic of its own.
package plugin

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"
	mmplugin "github.com/mattermost/mattermost/server/public/plugin"
	"github.com/mattermost/mattermost/server/public/pluginapi"

	"github.com/lambda-apps/lambda-apps/aws/awsclient"
	"github.com/lambda-apps/lambda-apps/aws/s3store"
	"github.com/lambda-apps/lambda-apps/server/command"
	"github.com/lambda-apps/lambda-apps/server/config"
	"github.com/lambda-apps/lambda-apps/server/httpapi"
	"github.com/lambda-apps/lambda-apps/server/status"
)

// Version is the plugin version, set from plugin.json at build time.
var Version = "dev"

// Plugin implements the Mattermost plugin hooks.
type Plugin struct {
	mmplugin.MattermostPlugin

	client  *pluginapi.Client
	command *command.Handler
	router  http.Handler
	getenv  func(string) string

	mu  sync.RWMutex
	cfg *config.Config
	aws *awsclient.Clients
	s3  s3store.HeadBucketAPI
}

// New returns an unactivated plugin.
func New() *Plugin {
	return &Plugin{getenv: os.Getenv}
}

// OnActivate is called by the server when the plugin is enabled.
func (p *Plugin) OnActivate() error {
	p.client = pluginapi.NewClient(p.API, p.Driver)
	if p.config() == nil {
		if err := p.OnConfigurationChange(); err != nil {
			return err
		}
	}
	p.command = command.New(command.Deps{Status: p.status, IsSystemAdmin: p.isSystemAdmin})
	p.router = httpapi.NewRouter(httpapi.Deps{Status: p.status, IsSystemAdmin: p.isSystemAdmin, Log: &p.client.Log})
	if err := p.client.SlashCommand.Register(p.command.Command()); err != nil {
		return fmt.Errorf("failed to register the /apps command: %w", err)
	}
	cfg := p.config()
	p.client.Log.Info("Lambda Apps activated",
		"version", Version, "credentials_set", cfg.AWSEnabled(), "region", cfg.Region, "bucket", cfg.Bucket)
	if !cfg.AWSEnabled() {
		p.client.Log.Warn("AWS apps are unavailable: set " + config.EnvAccessKey + " and " + config.EnvSecretKey + " in the server's environment and restart the server")
	}
	for _, problem := range cfg.Problems {
		p.client.Log.Warn("Configuration problem", "problem", problem)
	}
	return nil
}

// OnConfigurationChange builds a new configuration snapshot. It never fails
// on bad values: they are replaced by defaults and reported in the status.
func (p *Plugin) OnConfigurationChange() error {
	if p.client == nil {
		p.client = pluginapi.NewClient(p.API, p.Driver)
	}
	var settings config.Settings
	if err := p.client.Configuration.LoadPluginConfiguration(&settings); err != nil {
		return fmt.Errorf("failed to load the plugin configuration: %w", err)
	}
	cfg := config.Load(settings, p.getenv)
	clients := awsclient.New(cfg.AWSOptions())
	var s3api s3store.HeadBucketAPI
	if cfg.AWSEnabled() {
		s3api = clients.S3()
	}
	p.mu.Lock()
	p.cfg, p.aws, p.s3 = cfg, clients, s3api
	p.mu.Unlock()
	return nil
}

func (p *Plugin) config() *config.Config {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.cfg
}

func (p *Plugin) status(ctx context.Context) status.Report {
	p.mu.RLock()
	cfg, s3api := p.cfg, p.s3
	p.mu.RUnlock()
	return status.Check(ctx, Version, cfg, s3api)
}

func (p *Plugin) isSystemAdmin(userID string) bool {
	return userID != "" && p.client.User.HasPermissionTo(userID, model.PermissionManageSystem)
}

// ExecuteCommand handles `/apps`.
func (p *Plugin) ExecuteCommand(_ *mmplugin.Context, args *model.CommandArgs) (*model.CommandResponse, *model.AppError) {
	return p.command.Execute(context.Background(), args), nil
}

// ServeHTTP serves the REST API.
func (p *Plugin) ServeHTTP(_ *mmplugin.Context, w http.ResponseWriter, r *http.Request) {
	p.router.ServeHTTP(w, r)
}

// Package plugin wires the Mattermost plugin hooks to the plugin's services.
// It holds no business logic of its own.
package plugin

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	mmplugin "github.com/mattermost/mattermost/server/public/plugin"
	"github.com/mattermost/mattermost/server/public/pluginapi"
	"github.com/mattermost/mattermost/server/public/pluginapi/cluster"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/appcall"
	"github.com/lambda-apps/lambda-apps/server/appcmd"
	"github.com/lambda-apps/lambda-apps/server/bindings"
	"github.com/lambda-apps/lambda-apps/server/catalog"
	"github.com/lambda-apps/lambda-apps/server/command"
	"github.com/lambda-apps/lambda-apps/server/config"
	"github.com/lambda-apps/lambda-apps/server/dialog"
	"github.com/lambda-apps/lambda-apps/server/expand"
	"github.com/lambda-apps/lambda-apps/server/httpapi"
	"github.com/lambda-apps/lambda-apps/server/install"
	"github.com/lambda-apps/lambda-apps/server/store"
	"github.com/lambda-apps/lambda-apps/server/tokens"
	"github.com/lambda-apps/lambda-apps/server/webhook"
)

// Version is the plugin version, set from plugin.json at build time.
var Version = "dev"

// Cluster event IDs.
const (
	eventCatalogUpdated = "catalog_updated"
	eventAppsChanged    = "apps_changed"
	// eventRefreshBindings is the websocket event (clients see
	// "custom_lambda-apps_refresh_bindings").
	eventRefreshBindings = "refresh_bindings"
)

// Plugin implements the Mattermost plugin hooks.
type Plugin struct {
	mmplugin.MattermostPlugin

	client      *pluginapi.Client
	getenv      func(string) string
	catalog     *catalog.Service
	apps        *store.Apps
	calls       *appcall.Service
	install     *install.Service
	binds       *bindings.Service
	appCommands *appcmd.Service
	expander    *expand.Expander
	tokens      *tokens.Issuer
	command     *command.Handler
	router      http.Handler
	stop        context.CancelFunc
	done        chan struct{}

	mu  sync.RWMutex
	svc *services // rebuilt on every configuration change
}

// New returns an unactivated plugin.
func New() *Plugin {
	return &Plugin{getenv: os.Getenv}
}

// OnActivate is called by the server when the plugin is enabled. It never
// fails because of AWS: without credentials or with S3 down the plugin runs
// and says why in its status.
func (p *Plugin) OnActivate() error {
	p.client = pluginapi.NewClient(p.API, p.Driver)
	if p.services() == nil {
		if err := p.OnConfigurationChange(); err != nil {
			return err
		}
	}
	lock, err := cluster.NewMutex(p.API, "catalog-sync")
	if err != nil {
		return fmt.Errorf("create the catalog cluster mutex: %w", err)
	}
	p.catalog = catalog.New(catalog.Options{
		KV: &p.client.KV, Lock: lock, Log: &p.client.Log,
		Notify: func() { p.publish(eventCatalogUpdated) },
	})
	if err := p.catalog.LoadCache(); err != nil {
		p.client.Log.Warn("Could not load the cached catalog; it will be rebuilt from S3", "error", err.Error())
	}
	p.apps = store.NewApps(&p.client.KV, func() { p.publish(eventAppsChanged) })
	if err := p.apps.Reload(); err != nil {
		return fmt.Errorf("load the installed apps: %w", err)
	}
	p.tokens = &tokens.Issuer{
		API: sessionAPI{p.client}, KV: &p.client.KV, Log: &p.client.Log,
		Lifetime: func() time.Duration { return p.services().cfg.TokenLifetime },
	}
	p.expander = expand.New(expandAPI{p.client}, p.tokens)
	p.expander.WebhookSecret = p.apps.WebhookSecret
	p.calls = appcall.New(appcall.Deps{
		Apps:       p.apps,
		Mattermost: expandAPI{p.client},
		Expand:     p.expander.Expand,
		Invoker:    func() (appcall.Invoker, error) { return p.services().invoker() },
		Timeout:    func() time.Duration { return p.services().cfg.CallTimeout },
		SiteURL:    p.siteURL,
	})
	p.binds = bindings.New(bindings.Deps{Apps: p.apps, Calls: p.calls, SiteURL: p.siteURL, Log: &p.client.Log})
	p.install = install.New(install.Deps{
		Catalog: p.catalog, Apps: p.apps, Calls: p.calls, API: mattermostAPI{p.client},
		OpenIcon: p.openIcon, Log: &p.client.Log, OnChange: p.appChanged,
	})
	sealer := &dialog.Sealer{Secret: p.apps.DialogStateSecret}
	p.appCommands = appcmd.New(appcmd.Deps{
		Apps: p.apps, Bindings: p.binds, Calls: p.calls, API: commandAPI{p}, Log: &p.client.Log, Sealer: sealer,
		DialogURL: dialogURL, DialogLookupURL: dialogLookupURL, LookupURL: lookupURL,
		Reserved: []string{command.Trigger}, DialogForms: p.dialogForms,
	})
	p.command = command.New(command.Deps{
		Status: p.status, IsSystemAdmin: p.isSystemAdmin, Refresh: p.refreshText,
		Admin: &command.AdminDeps{
			Lifecycle: p.install,
			Listed:    func() []catalog.AppView { return p.catalog.View().Apps },
			Installed: p.apps.List,
			Triggers:  p.appCommands.Triggers,
			OpenDialog: func(req model.OpenDialogRequest) error {
				return commandAPI{p}.OpenInteractiveDialog(req)
			},
			Sealer: sealer, Post: commandAPI{p}.SendEphemeralPost,
			DialogURL: dialogURL, AutocompleteURL: autocompleteURL,
		},
	})
	p.appCommands.Consent = p.command
	p.router = httpapi.NewRouter(httpapi.Deps{
		Version: Version, Status: p.status, IsSystemAdmin: p.isSystemAdmin, Log: &p.client.Log,
		Call: p.userCall, OpenStatic: p.openStatic,
		Bindings:     p.binds.ForUser,
		Catalog:      func() any { return p.catalog.View() },
		Refresh:      func(ctx context.Context) (any, error) { return p.refresh(ctx) },
		Lifecycle:    p.install,
		SubmitDialog: p.appCommands.SubmitDialog,
		Autocomplete: p.autocomplete,
		Suggest:      p.appCommands.Suggest,
		DialogLookup: p.appCommands.DialogLookup,
		Webhook: webhook.New(webhook.Deps{
			App: p.apps.Get, Secret: p.apps.WebhookSecret, Notify: p.calls.Notify, Log: &p.client.Log,
		}).Serve,
	})
	if err := p.client.SlashCommand.Register(p.command.Command()); err != nil {
		return fmt.Errorf("register the /apps command: %w", err)
	}
	p.startBackground()

	cfg := p.services().cfg
	p.client.Log.Info("Lambda Apps activated", "version", Version, "credentials_set", cfg.AWSEnabled(),
		"region", cfg.Region, "bucket", cfg.Bucket, "cached_apps", p.catalog.Snapshot().Len())
	if !cfg.AWSEnabled() {
		p.client.Log.Warn("AWS apps are unavailable: set " + config.EnvAccessKey + " and " + config.EnvSecretKey + " in the server's environment and restart the server")
	}
	for _, problem := range cfg.Problems {
		p.client.Log.Warn("Configuration problem", "problem", problem)
	}
	return nil
}

// OnDeactivate stops the background work.
func (p *Plugin) OnDeactivate() error {
	p.stopBackground()
	p.tokens.Stop()
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
		return fmt.Errorf("load the plugin configuration: %w", err)
	}
	svc := newServices(config.Load(settings, p.getenv))
	p.mu.Lock()
	old := p.svc
	p.svc = svc
	p.mu.Unlock()
	if old != nil && old.cfg.CatalogRefresh != svc.cfg.CatalogRefresh && p.catalog != nil {
		p.restartBackground()
	}
	return nil
}

func (p *Plugin) services() *services {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.svc
}

// OnPluginClusterEvent reloads what another node changed.
func (p *Plugin) OnPluginClusterEvent(_ *mmplugin.Context, ev model.PluginClusterEvent) {
	switch ev.Id {
	case eventCatalogUpdated:
		if err := p.catalog.LoadCache(); err != nil {
			p.client.Log.Warn("Could not reload the catalog after another node synced", "error", err.Error())
		}
	case eventAppsChanged:
		if err := p.apps.Reload(); err != nil {
			p.client.Log.Warn("Could not reload the installed apps", "error", err.Error())
		}
		p.binds.Invalidate()
		p.tokens.Forget() // the node that changed an app revoked its tokens
		go p.appCommands.SyncAll(context.Background())
	}
}

func (p *Plugin) publish(id string) {
	err := p.API.PublishPluginClusterEvent(model.PluginClusterEvent{Id: id},
		model.PluginClusterEventSendOptions{SendType: model.PluginClusterEventSendTypeReliable})
	if err != nil {
		p.client.Log.Warn("Could not notify the other cluster nodes", "event", id, "error", err.Error())
	}
}

func (p *Plugin) isSystemAdmin(userID string) bool {
	return userID != "" && p.client.User.HasPermissionTo(userID, model.PermissionManageSystem)
}

func (p *Plugin) canReadChannel(userID, channelID string) bool {
	return p.client.User.HasPermissionToChannel(userID, channelID, model.PermissionReadChannel)
}

// appChanged runs after an app was installed, changed or removed: its
// commands are registered again and every user's bindings may differ.
func (p *Plugin) appChanged(ctx context.Context, id apps.AppID) []string {
	p.binds.Invalidate()
	// Disabled, uninstalled or upgraded: the app's tokens end now (an
	// enabled app had none left; a new install has none yet).
	if err := p.tokens.RevokeApp(id); err != nil {
		p.client.Log.Warn("Could not revoke an app's access tokens; they end with their lifetime", "app_id", string(id), "error", err.Error())
	}
	problems, err := p.appCommands.SyncApp(ctx, id)
	if err != nil {
		problems = append(problems, "Warning: the app's slash commands could not be registered: "+err.Error())
	}
	p.API.PublishWebSocketEvent(eventRefreshBindings, map[string]any{}, &model.WebsocketBroadcast{})
	return problems
}

// userCall runs a client's call and, when the app asks for it, tells the
// user's clients to fetch bindings again.
func (p *Plugin) userCall(ctx context.Context, userID string, creq *apps.CallRequest) (*apps.CallResponse, error) {
	resp, err := p.calls.UserCall(ctx, userID, creq)
	if err == nil && resp.RefreshBindings {
		p.binds.Invalidate()
		p.API.PublishWebSocketEvent(eventRefreshBindings, map[string]any{}, &model.WebsocketBroadcast{UserId: userID})
	}
	return resp, err
}

func (p *Plugin) siteURL() string {
	if u := p.client.Configuration.GetConfig().ServiceSettings.SiteURL; u != nil {
		return *u
	}
	return ""
}

// ServeHTTP serves the REST API.
func (p *Plugin) ServeHTTP(_ *mmplugin.Context, w http.ResponseWriter, r *http.Request) {
	p.router.ServeHTTP(w, r)
}

// Package plugin wires the Mattermost plugin hooks to the plugin's services.
// It holds no business logic of its own.
package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"
	mmplugin "github.com/mattermost/mattermost/server/public/plugin"
	"github.com/mattermost/mattermost/server/public/pluginapi"
	"github.com/mattermost/mattermost/server/public/pluginapi/cluster"

	lambdaapps "github.com/lambda-apps/lambda-apps"
	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/appcall"
	"github.com/lambda-apps/lambda-apps/server/appcmd"
	"github.com/lambda-apps/lambda-apps/server/appservices"
	"github.com/lambda-apps/lambda-apps/server/asynclog"
	"github.com/lambda-apps/lambda-apps/server/bindings"
	"github.com/lambda-apps/lambda-apps/server/callstats"
	"github.com/lambda-apps/lambda-apps/server/catalog"
	"github.com/lambda-apps/lambda-apps/server/command"
	"github.com/lambda-apps/lambda-apps/server/compat"
	"github.com/lambda-apps/lambda-apps/server/config"
	"github.com/lambda-apps/lambda-apps/server/dialog"
	"github.com/lambda-apps/lambda-apps/server/expand"
	"github.com/lambda-apps/lambda-apps/server/httpapi"
	"github.com/lambda-apps/lambda-apps/server/install"
	"github.com/lambda-apps/lambda-apps/server/oauth2flow"
	"github.com/lambda-apps/lambda-apps/server/postbindings"
	"github.com/lambda-apps/lambda-apps/server/readcache"
	"github.com/lambda-apps/lambda-apps/server/respwriter"
	"github.com/lambda-apps/lambda-apps/server/static"
	"github.com/lambda-apps/lambda-apps/server/status"
	"github.com/lambda-apps/lambda-apps/server/store"
	"github.com/lambda-apps/lambda-apps/server/subscriptions"
	"github.com/lambda-apps/lambda-apps/server/tokens"
	"github.com/lambda-apps/lambda-apps/server/webhook"
)

// Version is the plugin version (plugin.json).
var Version = lambdaapps.Version

// Cluster event IDs.
const (
	eventCatalogUpdated = "catalog_updated"
	eventAppsChanged    = "apps_changed"
	// eventSubscriptionsChanged: an app subscribed or unsubscribed.
	eventSubscriptionsChanged = "subscriptions_changed"
	// eventReadRevoked: a user left a channel or a team (readRevoked).
	eventReadRevoked = "read_revoked"
	// eventRefreshBindings is the websocket event (clients see
	// "custom_lambda-apps_refresh_bindings").
	eventRefreshBindings = "refresh_bindings"
)

// Plugin implements the Mattermost plugin hooks.
type Plugin struct {
	mmplugin.MattermostPlugin

	client      *pluginapi.Client
	getenv      func(string) string
	env         *env
	catalog     *catalog.Service
	stats       *callstats.Stats
	apps        *store.Apps
	calls       *appcall.Service
	binds       *bindings.Service
	appCommands *appcmd.Service
	tokens      *tokens.Issuer
	subs        *subscriptions.Service
	callLog     *asynclog.Logger
	command     *command.Handler
	inPost      *postbindings.Service
	router      http.Handler
	// readable remembers granted read permissions on channels; the hooks
	// of users leaving drop them (hooks.go).
	readable *readcache.Cache

	mu   sync.Mutex
	stop context.CancelFunc
	done chan struct{}
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
	if p.env == nil || p.env.current() == nil {
		if err := p.OnConfigurationChange(); err != nil {
			return err
		}
	}
	if err := p.wire(); err != nil {
		return err
	}
	if err := p.client.SlashCommand.Register(p.command.Command()); err != nil {
		return fmt.Errorf("register the /apps command: %w", err)
	}
	p.startBackground()
	p.subs.Start()

	cfg := p.env.Config()
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

// wire builds the services and connects them; it holds no logic of its own.
func (p *Plugin) wire() error {
	log := &p.client.Log
	lock, err := cluster.NewMutex(p.API, "catalog-sync")
	if err != nil {
		return fmt.Errorf("create the catalog cluster mutex: %w", err)
	}
	p.catalog = catalog.New(catalog.Options{
		KV: &p.client.KV, Lock: lock, Log: log, Sources: p.env, Notify: notifier(p, eventCatalogUpdated).publish,
	})
	if err := p.catalog.LoadCache(); err != nil {
		log.Warn("Could not load the cached catalog; it will be rebuilt from S3", "error", err.Error())
	}
	p.apps = store.NewApps(&p.client.KV, notifier(p, eventAppsChanged).publish)
	if err := p.apps.Reload(); err != nil {
		return fmt.Errorf("load the installed apps: %w", err)
	}
	p.readable = readcache.New(readcache.TTL, nil)
	mm := p.mm()
	p.tokens = &tokens.Issuer{API: sessionAPI{p.client}, KV: &p.client.KV, Log: log, Lifetime: p.env.TokenLifetime}
	expander := expand.New(mm, p.tokens)
	expander.WebhookSecret = p.apps.WebhookSecret
	expander.OAuth2Base = func(id apps.AppID) string { return strings.TrimRight(p.env.SiteURL(), "/") + compat.NativeAppPath(id) }
	sites := compat.Policy{SiteURL: p.env.SiteURL, Native: func(id apps.AppID) bool { return p.env.Config().NativeSiteURLApps[string(id)] }}
	// One line per app call: written off the call's path (a log line is an
	// RPC to the server).
	p.callLog = asynclog.New(log, 4096)
	p.calls = appcall.New(appcall.Deps{Apps: p.apps, Env: p.env, Expand: expander, Mattermost: mm, Log: p.callLog, Sites: sites})
	p.binds = bindings.New(bindings.Deps{Apps: p.apps, Calls: p.calls, SiteURL: p.env.SiteURL, Log: log, Clients: websocket{p.API}})
	p.calls.Bindings = p.binds
	p.stats = callstats.New(callstats.Options{})
	p.calls.Stats = p.stats
	p.catalog.SetCached(p.binds)
	services := appservices.New(appservices.Deps{
		Sessions: sessionAPI{p.client}, Apps: p.apps, Users: mm, Tokens: p.tokens, KV: &p.client.KV, Log: log,
		RefreshBindings: p.binds.Refresh,
	})
	expander.OAuth2 = services
	p.subs = subscriptions.New(subscriptions.Deps{
		KV: &p.client.KV, Permissions: p.API, Apps: p.apps, Calls: p.calls, Channels: mm, Log: log,
		Changed: notifier(p, eventSubscriptionsChanged).publish,
	})
	assets := &static.Service{Apps: p.apps, Stores: p.env}
	sealer := &dialog.Sealer{Secret: p.apps.DialogStateSecret}
	server := commandAPI{p}
	p.appCommands = appcmd.New(appcmd.Deps{
		Apps: p.apps, Bindings: p.binds, Calls: p.calls, API: server, Log: log, Sealer: sealer,
		DialogURL: dialogURL, DialogLookupURL: dialogLookupURL, LookupURL: lookupURL,
		Reserved: []string{command.Trigger}, DialogForms: server.DialogForms, SiteURL: p.env.SiteURL,
	})
	dependents := &install.Dependents{Bindings: p.binds, Tokens: p.tokens, Commands: p.appCommands, Subscriptions: p.subs, Log: log}
	lifecycle := install.New(install.Deps{
		Catalog: p.catalog, Apps: p.apps, Calls: p.calls, API: mattermostAPI{p.client},
		OpenIcon: assets.OpenVersion, Log: log, OnChange: func(ctx context.Context, id apps.AppID) []string {
			p.forgetUninstalledStats()
			return dependents.AppChanged(ctx, id)
		},
	})
	reporter := &status.Reporter{Version: Version, AWS: p.env, Catalog: p.catalog, Apps: p.apps, Calls: p.stats}
	p.command = command.New(command.Deps{
		Status: reporter.Report, IsSystemAdmin: mm.IsSystemAdmin, Refresh: p.catalog.RefreshSummary, AppCalls: p.stats.App,
		Admin: &command.AdminDeps{
			Lifecycle: lifecycle, Listed: p.catalog.Listed, Installed: p.apps.List, Triggers: p.appCommands.Triggers,
			OpenDialog: server.OpenInteractiveDialog, Sealer: sealer, Post: server.SendEphemeralPost,
			DialogURL: dialogURL, AutocompleteURL: autocompleteURL,
		},
	})
	p.appCommands.Consent = p.command
	p.inPost = postbindings.New(postbindings.Deps{
		Apps: p.apps, Calls: p.calls, Forms: p.appCommands, API: postAPI{mm, server}, Log: log,
		Signer: &postbindings.Signer{Secret: p.apps.DialogStateSecret}, ActionURL: postActionURL, SiteURL: p.env.SiteURL,
	})
	p.router = httpapi.NewRouter(httpapi.Deps{
		Version: Version, Log: log, Admins: mm, Metrics: p.stats, Calls: p.calls, Bindings: p.binds, Dialogs: p.appCommands,
		Catalog: p.catalog, Lifecycle: lifecycle, Static: assets, Status: reporter, Autocomplete: p.command,
		AppServices: services, Subscriptions: p.subs, SiteURL: p.env.SiteURL, PostActions: p.inPost,
		OAuth2:   oauth2flow.New(oauth2flow.Deps{Apps: p.apps, Calls: p.calls, KV: &p.client.KV, Log: log}),
		Webhooks: webhook.New(webhook.Deps{App: p.apps.Get, Secret: p.apps.WebhookSecret, Notify: p.calls.Notify, Log: log}),
	})
	return nil
}

// OnDeactivate stops the background work.
func (p *Plugin) OnDeactivate() error {
	p.stopBackground()
	p.subs.Stop()
	p.tokens.Stop()
	if dropped := p.callLog.Close(); dropped > 0 {
		p.client.Log.Warn("Some app call log lines were dropped (the log could not keep up)", "dropped", dropped)
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
		return fmt.Errorf("load the plugin configuration: %w", err)
	}
	if p.env == nil {
		p.env = &env{client: p.client}
	}
	next := newSnapshot(config.Load(settings, p.getenv))
	old := p.env.set(next)
	if old != nil && old.cfg.CatalogRefresh != next.cfg.CatalogRefresh && p.catalog != nil {
		p.restartBackground()
	}
	return nil
}

// OnPluginClusterEvent reloads what another node changed.
func (p *Plugin) OnPluginClusterEvent(_ *mmplugin.Context, ev model.PluginClusterEvent) {
	switch ev.Id {
	case eventCatalogUpdated:
		if err := p.catalog.LoadCache(); err != nil {
			p.client.Log.Warn("Could not reload the catalog after another node synced", "error", err.Error())
		}
		p.binds.Invalidate() // apps may have been redeployed
	case eventSubscriptionsChanged:
		p.subs.Invalidate()
	case eventReadRevoked:
		if p.readable == nil {
			return // not activated yet: nothing remembered
		}
		var r readRevoked
		if err := json.Unmarshal(ev.Data, &r); err != nil || r.UserID == "" {
			p.readable.Clear() // cannot tell whose: forget everyone's
			return
		}
		p.readable.Forget(r.UserID, r.ChannelID)
	case eventAppsChanged:
		if err := p.apps.Reload(); err != nil {
			p.client.Log.Warn("Could not reload the installed apps", "error", err.Error())
		}
		p.binds.Invalidate()
		p.subs.Invalidate()
		p.tokens.Forget() // the node that changed an app revoked its tokens
		p.forgetUninstalledStats()
		go p.appCommands.SyncAll(context.Background())
	}
}

// mm is the plugin's reader of Mattermost.
func (p *Plugin) mm() mattermost { return mattermost{c: p.client, readable: p.readable} }

// forgetUninstalledStats drops the call counts of apps that are no longer
// installed.
func (p *Plugin) forgetUninstalledStats() {
	p.stats.Retain(func(id apps.AppID) bool {
		_, err := p.apps.Get(id)
		return err == nil
	})
}

// ServeHTTP serves the REST API. The session the server authenticated the
// request with goes into its context: the app services API tells apps'
// tokens by their session.
func (p *Plugin) ServeHTTP(c *mmplugin.Context, w http.ResponseWriter, r *http.Request) {
	if c != nil && c.SessionId != "" {
		r = r.WithContext(httpapi.WithSessionID(r.Context(), c.SessionId))
	}
	// The answer's header map is a round trip away: fetch it while the
	// handler works.
	w, done := respwriter.HeaderAhead(w)
	defer done()
	p.router.ServeHTTP(w, r)
}

package httpapi

import (
	"context"
	"io"
	"net/http"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/s3store"
	"github.com/lambda-apps/lambda-apps/server/appcmd"
	"github.com/lambda-apps/lambda-apps/server/bindings"
	"github.com/lambda-apps/lambda-apps/server/catalog"
	"github.com/lambda-apps/lambda-apps/server/status"
)

// The services the routes serve. Each is implemented by one service of the
// plugin (named in its comment); server/plugin only wires them.

// Admins tells system admins apart (Mattermost's manage_system).
type Admins interface {
	IsSystemAdmin(userID string) bool
}

// Calls makes the calls users start (appcall.Service): every check of a
// user's call happens there.
type Calls interface {
	UserCall(ctx context.Context, userID string, creq *apps.CallRequest) (*apps.CallResponse, error)
	// Prefetch starts reading the user, whom calls nearly always expand,
	// before the request's body is read.
	Prefetch(ctx context.Context, userID string) context.Context
}

// Bindings gives a user's bindings of every enabled app (bindings.Service).
type Bindings interface {
	ForUser(ctx context.Context, w bindings.Where) ([]apps.Binding, error)
}

// Dialogs answers the server's requests for the dialogs and autocomplete
// lookups of app commands (appcmd.Service).
type Dialogs interface {
	SubmitDialog(ctx context.Context, userID string, req *model.SubmitDialogRequest) *model.SubmitDialogResponse
	DialogLookup(ctx context.Context, userID string, req *model.SubmitDialogRequest) (*model.LookupDialogResponse, error)
	Suggest(ctx context.Context, req appcmd.SuggestRequest) ([]model.AutocompleteListItem, error)
}

// Catalog is the list of deployed apps (catalog.Service).
type Catalog interface {
	View() catalog.View
	Refresh(ctx context.Context) (catalog.Result, error)
}

// Static opens the apps' static assets (static.Service).
type Static interface {
	OpenStatic(ctx context.Context, appID apps.AppID, name, ifNoneMatch string) (*s3store.Content, error)
}

// Status reports the plugin's status (status.Reporter).
type Status interface {
	Report(ctx context.Context) status.Report
}

// Metrics writes the counts of calls to apps in the Prometheus text format
// (callstats.Stats).
type Metrics interface {
	WritePrometheus(w io.Writer) error
}

// Autocomplete lists app IDs for the /apps sub-commands (command.Handler).
type Autocomplete interface {
	AppIDs(userID, kind string) []model.AutocompleteListItem
}

// Webhooks receives remote webhooks (webhook.Handler): the one route
// without a Mattermost user, the sender authenticates to the app.
type Webhooks interface {
	Serve(w http.ResponseWriter, r *http.Request, appID apps.AppID, rest string)
}

// Deps are the services the API serves.
type Deps struct {
	Version   string
	Log       Logger
	Admins    Admins
	Calls     Calls
	Bindings  Bindings
	Dialogs   Dialogs
	Catalog   Catalog
	Lifecycle Lifecycle
	Static    Static
	Status    Status
	// Metrics may be nil: GET /metrics answers 503.
	Metrics      Metrics
	Autocomplete Autocomplete
	// PostActions handles clicks on in-post bindings (nil: 503).
	PostActions PostActions
	// AppServices serves the API apps call with their tokens (nil: it
	// answers 503).
	AppServices AppServices
	// Subscriptions keeps apps' subscriptions (nil: the routes answer 503).
	Subscriptions Subscriptions
	// OAuth2 runs the remote OAuth2 browser routes (nil: they answer 503).
	OAuth2 OAuth2Flow
	// Webhooks may be nil: no webhook route.
	Webhooks Webhooks
	// SiteURL is the server's site URL: the compatibility path forwards
	// REST API requests and redirects to it.
	SiteURL func() string
	// Forward, when set, sends the forwarded REST API requests (tests);
	// default: a shared HTTP transport.
	Forward http.RoundTripper
}

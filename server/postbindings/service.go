package postbindings

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/appcall"
	"github.com/lambda-apps/lambda-apps/server/dialog"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// Apps reads the installed apps (store.Apps).
type Apps interface {
	Get(id apps.AppID) (*store.InstalledApp, error)
	List() []*store.InstalledApp
}

// Caller makes the calls users start, with every check a user's call gets
// (appcall.Service.UserCall).
type Caller interface {
	UserCall(ctx context.Context, userID string, creq *apps.CallRequest) (*apps.CallResponse, error)
}

// Forms opens an app's form as an interactive dialog, with the dialog
// state sealed for the user (appcmd.Service).
type Forms interface {
	OpenForm(ctx context.Context, app *store.InstalledApp, userID, triggerID string, where dialog.Where, form *apps.Form) error
}

// MattermostAPI is what a click needs of Mattermost.
type MattermostAPI interface {
	GetPost(postID string) (*model.Post, error)
	GetChannel(channelID string) (*model.Channel, error)
	SendEphemeralPost(userID string, post *model.Post)
}

// Logger is the structured logger.
type Logger interface {
	Debug(message string, keyValuePairs ...any)
	Warn(message string, keyValuePairs ...any)
}

// Deps are the services in-post bindings use.
type Deps struct {
	Apps   Apps
	Calls  Caller
	Forms  Forms
	API    MattermostAPI
	Signer *Signer
	// ActionURL is the plugin route the server sends clicks to, as a
	// /plugins/... path (the server delivers it to ServeHTTP with the
	// clicking user's ID).
	ActionURL string
	// SiteURL is the server's site URL (icons, links).
	SiteURL func() string
	Log     Logger
}

// Service renders in-post bindings and handles their clicks.
type Service struct{ Deps }

// New returns a Service.
func New(d Deps) *Service { return &Service{d} }

// WillBePosted renders the in-post bindings of a new post; nil means the
// post is to be saved as it is. Any attachment count a client sent is
// ignored: a new post has no attachments of ours yet.
func (s *Service) WillBePosted(post *model.Post) *model.Post {
	if post.GetProp(PropAppBindings) == nil {
		return nil
	}
	return s.render(post, 0)
}

// WillBeUpdated renders the in-post bindings of an edited post again,
// replacing the attachments rendered before. It returns the post to save
// (newPost itself when nothing changes: the server refuses an edit when a
// plugin returns nil).
func (s *Service) WillBeUpdated(newPost *model.Post) *model.Post {
	if newPost.GetProp(PropAppBindings) == nil && newPost.GetProp(PropRendered) == nil {
		return newPost
	}
	if out := s.render(newPost, renderedCount(newPost)); out != nil {
		return out
	}
	return newPost
}

// render returns a copy of post whose last `previous` attachments (ours,
// from an earlier rendering) are replaced by the rendering of its bindings,
// or nil when the post is not an app's post with in-post bindings.
func (s *Service) render(post *model.Post, previous int) *model.Post {
	app := s.appOfBot(post.UserId)
	if app == nil {
		return nil // not an app's bot: props kept, nothing rendered
	}
	var rendered Rendered
	if app.Enabled() && apps.LocationInPost.In(app.GrantedLocations) {
		bindings, err := Decode(post.GetProp(PropAppBindings))
		if err != nil {
			s.Log.Warn("Could not render a post's in-post bindings", "app_id", string(app.ID()), "post_id", post.Id, "error", err.Error())
		}
		rendered = s.renderer().Render(App{ID: app.ID(), Name: app.Manifest.DisplayName, Icon: app.Manifest.Icon}, post.Id, bindings)
	}
	for _, p := range rendered.Problems {
		s.Log.Debug("Left out an in-post binding", "app_id", string(app.ID()), "location", p.Location, "reason", p.Reason)
	}
	own := post.Attachments()
	if previous > 0 {
		own = own[:len(own)-min(previous, len(own))]
	}
	out := post.Clone()
	all := append(append([]*model.MessageAttachment{}, own...), rendered.Attachments...)
	switch {
	case len(all) == 0:
		out.DelProp(model.PostPropsAttachments)
	default:
		out.AddProp(model.PostPropsAttachments, asJSON(all))
	}
	if len(rendered.Attachments) > 0 {
		out.AddProp(PropRendered, len(rendered.Attachments))
	} else {
		out.DelProp(PropRendered)
	}
	return out
}

// asJSON turns attachments into plain decoded JSON, the form props have
// when the server reads them from the database and the one every server
// version decodes from the plugin RPC.
func asJSON(atts []*model.MessageAttachment) any {
	data, err := json.Marshal(atts)
	if err != nil {
		return atts
	}
	var out []any
	if json.Unmarshal(data, &out) != nil {
		return atts
	}
	return out
}

// renderedCount reads the number of attachments an earlier rendering added.
func renderedCount(post *model.Post) int {
	switch n := post.GetProp(PropRendered).(type) {
	case int:
		return max(n, 0)
	case int64:
		return max(int(n), 0)
	case float64:
		return max(int(n), 0)
	}
	return 0
}

// appOfBot is the installed app whose bot is userID, or nil.
func (s *Service) appOfBot(userID string) *store.InstalledApp {
	if userID == "" {
		return nil
	}
	for _, a := range s.Apps.List() {
		if a.BotUserID == userID {
			return a
		}
	}
	return nil
}

func (s *Service) renderer() *Renderer {
	return &Renderer{ActionURL: s.ActionURL, Seal: s.Signer.Sign, IconURL: s.iconURL}
}

// iconURL makes an icon absolute: http(s) URLs are kept, names of the
// app's static assets point to the plugin's static route, anything else is
// dropped (attachments cannot show data URLs everywhere).
func (s *Service) iconURL(appID apps.AppID, icon string) string {
	icon = strings.TrimSpace(icon)
	switch {
	case icon == "":
		return ""
	case strings.HasPrefix(icon, "https://") || strings.HasPrefix(icon, "http://"):
		if _, err := url.Parse(icon); err == nil {
			return icon
		}
		return ""
	case strings.Contains(icon, ":") || apps.ValidateStaticName(icon) != nil:
		return ""
	}
	parts := strings.Split(icon, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.TrimRight(s.SiteURL(), "/") + s.staticPath(appID) + strings.Join(parts, "/")
}

func (s *Service) staticPath(appID apps.AppID) string {
	return appcall.PluginPath + "/api/v1/apps/" + string(appID) + "/static/"
}

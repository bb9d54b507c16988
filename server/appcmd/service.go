package appcmd

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/bindings"
	"github.com/lambda-apps/lambda-apps/server/dialog"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// MattermostAPI is what the command service needs from Mattermost.
type MattermostAPI interface {
	Resolver
	RegisterCommand(cmd *model.Command) error
	UnregisterCommand(trigger string) error
	// TakenTriggers lists triggers that apps may not use (built-in
	// commands, other plugins' commands).
	TakenTriggers() []string
	OpenInteractiveDialog(req model.OpenDialogRequest) error
	SendEphemeralPost(userID string, post *model.Post)
	CanReadChannel(userID, channelID string) bool
}

// Caller calls an app on behalf of a user, with every check a user's call
// gets (appcall.Service.UserCall).
type Caller interface {
	UserCall(ctx context.Context, userID string, creq *apps.CallRequest) (*apps.CallResponse, error)
}

// ConsentHandler installs an app when an admin submits its consent dialog.
type ConsentHandler interface {
	SubmitConsent(ctx context.Context, userID string, st dialog.State, req *model.SubmitDialogRequest) *model.SubmitDialogResponse
}

// BindingsSource gives one app's cleaned bindings.
type BindingsSource interface {
	ForApp(ctx context.Context, app *store.InstalledApp, w bindings.Where) ([]apps.Binding, []bindings.Problem, error)
}

// Logger is the structured logger.
type Logger interface {
	Info(message string, keyValuePairs ...any)
	Warn(message string, keyValuePairs ...any)
}

// Deps are the services the commands use.
type Deps struct {
	Apps     *store.Apps
	Bindings BindingsSource
	Calls    Caller
	API      MattermostAPI
	Log      Logger
	// Sealer signs the state of the dialogs the commands open.
	Sealer *dialog.Sealer
	// Consent handles submissions of install consent dialogs.
	Consent ConsentHandler
	// DialogURL is where dialog submissions go (the plugin's route).
	DialogURL string
	// DialogLookupURL answers the lookups of dynamic selects in dialogs
	// (see DialogLookup); empty: dialogs get their choices beforehand.
	DialogLookupURL string
	// LookupURL + "/<token>" answers autocomplete requests for the
	// dynamic_select arguments of app commands (see Suggest).
	LookupURL string
	// DialogForms reports whether the clients show a form that answers a
	// dialog submission (multi-step dialogs, Mattermost 11 web client). When
	// nil or false, such an answer is explained to the user instead.
	DialogForms func() bool
	// SiteURL is the server's site URL (links to it are not external).
	SiteURL func() string
	// Reserved are triggers of the plugin itself ("apps").
	Reserved []string
}

// Service registers and runs app commands.
type Service struct {
	Deps
	mu       sync.Mutex
	triggers map[string]apps.AppID // lowercase trigger -> app
}

// New returns a Service.
func New(d Deps) *Service { return &Service{Deps: d, triggers: map[string]apps.AppID{}} }

// AppFor returns the app that owns a trigger.
func (s *Service) AppFor(trigger string) (apps.AppID, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.triggers[strings.ToLower(trigger)]
	return id, ok
}

// Triggers lists the registered triggers of an app.
func (s *Service) Triggers(appID apps.AppID) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for t, id := range s.triggers {
		if id == appID {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}

// SyncApp (re)registers the commands of one app from its /command
// bindings, or removes them when the app is gone or disabled. It returns
// problems worth telling the admin (triggers refused because taken).
func (s *Service) SyncApp(ctx context.Context, appID apps.AppID) ([]string, error) {
	app, err := s.Apps.Get(appID)
	var want []apps.Binding
	commandsGranted := err == nil && (apps.LocationCommand.In(app.GrantedLocations) || anyUnder(app.GrantedLocations, apps.LocationCommand))
	if commandsGranted && app.Enabled() {
		top, _, ferr := s.Bindings.ForApp(ctx, app, bindings.Where{UserID: app.InstalledBy, UserAgent: "command", Background: true})
		if ferr != nil {
			return nil, fmt.Errorf("get the commands of %s: %w", appID, ferr)
		}
		for _, b := range top {
			if b.Location == apps.LocationCommand {
				want = b.Bindings
			}
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	taken := map[string]string{}
	for _, t := range s.API.TakenTriggers() {
		taken[strings.ToLower(t)] = "a Mattermost or plugin command"
	}
	for t := range s.triggers {
		delete(taken, t) // registered by this plugin for an app (the API may not say so)
	}
	for _, t := range s.Reserved {
		taken[strings.ToLower(t)] = "a Lambda Apps command"
	}
	for t, other := range s.triggers {
		if other != appID {
			taken[t] = "a command of the app " + string(other)
		}
	}
	var problems []string
	keep := map[string]bool{}
	for _, b := range want {
		trigger := strings.ToLower(b.Label)
		if owner, clash := taken[trigger]; clash {
			problems = append(problems, fmt.Sprintf("`/%s` is already %s; the app's command was not registered.", trigger, owner))
			continue
		}
		if err := s.API.RegisterCommand(s.commandFor(app, b)); err != nil {
			problems = append(problems, fmt.Sprintf("`/%s` could not be registered: %s", trigger, err.Error()))
			continue
		}
		keep[trigger] = true
		s.triggers[trigger] = appID
	}
	for t, id := range s.triggers {
		if id == appID && !keep[t] {
			if err := s.API.UnregisterCommand(t); err != nil {
				s.Log.Warn("Could not unregister an app command", "trigger", t, "error", err.Error())
			}
			delete(s.triggers, t)
		}
	}
	return problems, nil
}

func anyUnder(granted []apps.Location, parent apps.Location) bool {
	for _, g := range granted {
		if g.IsUnder(parent) {
			return true
		}
	}
	return false
}

// SyncAll registers the commands of every installed app (at activation and
// when another cluster node changed apps).
func (s *Service) SyncAll(ctx context.Context) {
	seen := map[apps.AppID]bool{}
	for _, a := range s.Apps.List() {
		seen[a.ID()] = true
		problems, err := s.SyncApp(ctx, a.ID())
		if err != nil {
			s.Log.Warn("Could not register an app's commands", "app_id", string(a.ID()), "error", err.Error())
		}
		for _, p := range problems {
			s.Log.Warn("App command refused", "app_id", string(a.ID()), "problem", p)
		}
	}
	s.mu.Lock()
	var gone []apps.AppID
	for _, id := range s.triggers {
		if !seen[id] {
			gone = append(gone, id)
		}
	}
	s.mu.Unlock()
	for _, id := range gone {
		_, _ = s.SyncApp(ctx, id)
	}
}

// errNoApp is returned for a trigger that no app owns.
var errNoApp = errors.New("no app owns this command")

// commandFor builds the Mattermost command of a top-level command binding.
func (s *Service) commandFor(app *store.InstalledApp, b apps.Binding) *model.Command {
	trigger := strings.ToLower(b.Label)
	desc := cmp.Or(b.Description, b.Hint, app.Manifest.DisplayName)
	cmd := &model.Command{
		Trigger:          trigger,
		DisplayName:      app.Manifest.DisplayName,
		Description:      desc,
		AutoComplete:     true,
		AutoCompleteDesc: desc,
		AutoCompleteHint: b.Hint,
	}
	lookupURL := func(command []string, field string) string {
		return s.LookupURL + "/" + suggestToken{AppID: app.ID(), Command: command, Field: field}.encode()
	}
	ac := autocomplete(trigger, b, []string{trigger}, lookupURL)
	if ac.IsValid() == nil {
		cmd.AutocompleteData = ac
	}
	return cmd
}

// autocomplete builds the autocomplete tree of a command binding at path
// (trigger and sub-command labels); dynamic_select arguments fetch their
// choices from lookupURL(path, field).
func autocomplete(name string, b apps.Binding, path []string, lookupURL func([]string, string) string) *model.AutocompleteData {
	ac := model.NewAutocompleteData(name, b.Hint, cmp.Or(b.Description, b.Label))
	for _, sub := range b.Bindings {
		ac.AddCommand(autocomplete(sub.Label, sub, append(path[:len(path):len(path)], sub.Label), lookupURL))
	}
	if len(b.Bindings) > 0 || b.Form == nil {
		return ac
	}
	fields := append([]apps.Field(nil), b.Form.Fields...)
	sort.SliceStable(fields, func(i, j int) bool { return positionKey(fields[i]) < positionKey(fields[j]) })
	for _, f := range fields {
		if f.Type == apps.FieldTypeMarkdown || f.ReadOnly {
			continue
		}
		help := cmp.Or(f.Description, f.Label, f.Name)
		hint := cmp.Or(f.Hint, f.Label, f.Name)
		var items []model.AutocompleteListItem
		switch f.Type {
		case apps.FieldTypeStaticSelect, apps.FieldTypeDynamicSelect:
			for _, o := range f.Options {
				items = append(items, model.AutocompleteListItem{Item: o.Value, Hint: o.Label})
			}
		case apps.FieldTypeBool:
			items = []model.AutocompleteListItem{{Item: "true"}, {Item: "false"}}
		}
		if f.Type == apps.FieldTypeDynamicSelect && f.Lookup != nil && lookupURL != nil {
			if f.Position != 0 {
				ac.AddDynamicListArgument(help, lookupURL(path, f.Name), f.IsRequired)
			} else {
				ac.AddNamedDynamicListArgument(flagName(f), help, lookupURL(path, f.Name), f.IsRequired)
			}
			continue
		}
		switch {
		case f.Position != 0 && items != nil:
			ac.AddStaticListArgument(help, f.IsRequired, items)
		case f.Position != 0:
			ac.AddTextArgument(help, hint, "")
		case items != nil:
			ac.AddNamedStaticListArgument(flagName(f), help, f.IsRequired, items)
		default:
			ac.AddNamedTextArgument(flagName(f), help, hint, "", f.IsRequired)
		}
	}
	return ac
}

func positionKey(f apps.Field) int {
	switch {
	case f.Position > 0:
		return f.Position
	case f.Position < 0:
		return 1 << 20
	}
	return 1 << 21
}

package appcmd

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/bindings"
	"github.com/lambda-apps/lambda-apps/server/dialog"
	"github.com/lambda-apps/lambda-apps/server/failure"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// Execute runs an app's slash command. The returned response is shown to
// the user; app answers arrive as ephemeral posts from the app's bot.
func (s *Service) Execute(ctx context.Context, args *model.CommandArgs) *model.CommandResponse {
	words, err := tokenize(strings.TrimPrefix(strings.TrimSpace(args.Command), "/"))
	if err != nil || len(words) == 0 {
		return ephemeral(fmt.Sprintf("Could not read the command: %v.", err))
	}
	appID, ok := s.AppFor(words[0])
	if !ok {
		return ephemeral(errNoApp.Error())
	}
	app, err := s.Apps.Get(appID)
	if err != nil {
		return ephemeral(fmt.Sprintf("The app `%s` is not installed any more.", appID))
	}
	if !app.Enabled() {
		return ephemeral(fmt.Sprintf("The app `%s` is disabled; a system admin can run `/apps enable %s`.", appID, appID))
	}
	// The command's context is checked once for the bindings call and the
	// command's call (each would check it again); the user, whom the call
	// will nearly always expand, is read meanwhile.
	if v, ok := s.Calls.(contextVerifier); ok {
		ctx = v.Prefetch(ctx, args.UserId)
		if ctx, err = v.VerifyContext(ctx, args.UserId, &apps.Context{ChannelID: args.ChannelId, TeamID: args.TeamId, RootPostID: args.RootId}); err != nil {
			return s.fail(app, args.UserId, dialog.Where{AppID: appID, ChannelID: args.ChannelId, TeamID: args.TeamId, RootPostID: args.RootId}, failure.Message(err))
		}
	}
	top, _, err := s.Bindings.ForApp(ctx, app, bindings.Where{UserID: args.UserId, ChannelID: args.ChannelId, TeamID: args.TeamId, UserAgent: "command"})
	if err != nil {
		return ephemeral(fmt.Sprintf("The app `%s` did not answer: %s", appID, failure.Message(err)))
	}
	cmd, found := commandBinding(top, words[0])
	if !found {
		return ephemeral(fmt.Sprintf("The app `%s` no longer offers `/%s` to you.", appID, words[0]))
	}
	parsed, err := Parse(cmd, words, args.TeamId, readableOnly{s.API, args.UserId})
	if err != nil {
		return ephemeral(err.Error())
	}
	where := dialog.Where{AppID: appID, Location: parsed.Location, ChannelID: args.ChannelId, TeamID: args.TeamId, RootPostID: args.RootId}

	call := parsed.Call
	if call == nil {
		if parsed.Form == nil || parsed.Form.Source == nil {
			return ephemeral(fmt.Sprintf("`%s` has nothing to call.", parsed.Path))
		}
		call = parsed.Form.Source // a form that the app builds on request
	}
	creq := &apps.CallRequest{
		Call:       *call,
		Values:     parsed.Values,
		RawCommand: args.Command,
		Context: apps.Context{
			AppID: appID, Location: parsed.Location, UserAgent: "command",
			ChannelID: args.ChannelId, TeamID: args.TeamId, RootPostID: args.RootId, UserID: args.UserId,
		},
	}
	resp, err := s.Calls.UserCall(ctx, args.UserId, creq)
	if err != nil {
		return s.fail(app, args.UserId, where, failure.Message(err))
	}
	return s.render(ctx, app, args.UserId, args.TriggerId, where, resp)
}

// contextVerifier checks a user's call context once for several calls
// (appcall.Service.VerifyContext).
type contextVerifier interface {
	VerifyContext(ctx context.Context, userID string, c *apps.Context) (context.Context, error)
	Prefetch(ctx context.Context, userID string) context.Context
}

func commandBinding(top []apps.Binding, trigger string) (apps.Binding, bool) {
	for _, t := range top {
		if t.Location != apps.LocationCommand {
			continue
		}
		if b, ok := findSub(t.Bindings, trigger); ok {
			return b, true
		}
	}
	return apps.Binding{}, false
}

// render shows an app's answer to a command.
func (s *Service) render(ctx context.Context, app *store.InstalledApp, userID, triggerID string, where dialog.Where, resp *apps.CallResponse) *model.CommandResponse {
	switch resp.Type {
	case apps.CallResponseTypeError:
		return s.fail(app, userID, where, cmp.Or(resp.Text, "the app reported an error"))
	case apps.CallResponseTypeForm:
		if resp.Form == nil {
			return s.fail(app, userID, where, "the app answered with an empty form")
		}
		if triggerID == "" {
			return s.fail(app, userID, where, "the app answered with a form, which cannot be opened here")
		}
		if s.openDynamicDialog(app, userID, triggerID, where, resp.Form) {
			return &model.CommandResponse{}
		}
		d, err := s.dialogWithChoices(ctx, app, userID, where, resp.Form)
		if err != nil {
			return s.fail(app, userID, where, err.Error())
		}
		if err := s.API.OpenInteractiveDialog(model.OpenDialogRequest{TriggerId: triggerID, URL: s.DialogURL, Dialog: d}); err != nil {
			return s.fail(app, userID, where, "could not open the app's form: "+err.Error())
		}
		return &model.CommandResponse{}
	case apps.CallResponseTypeNavigate:
		link, err := s.navigation(resp.NavigateToURL)
		if err != nil {
			return s.fail(app, userID, where, err.Error())
		}
		s.post(app, userID, where, "Opening "+link.text)
		return &model.CommandResponse{GotoLocation: link.url}
	}
	if resp.Text != "" {
		s.post(app, userID, where, resp.Text)
	}
	return &model.CommandResponse{}
}

func (s *Service) fail(app *store.InstalledApp, userID string, where dialog.Where, msg string) *model.CommandResponse {
	s.post(app, userID, where, "**Error:** "+msg)
	return &model.CommandResponse{}
}

// post sends an ephemeral post from the app's bot.
func (s *Service) post(app *store.InstalledApp, userID string, where dialog.Where, text string) {
	s.API.SendEphemeralPost(userID, &model.Post{
		UserId:    app.BotUserID,
		ChannelId: where.ChannelID,
		RootId:    where.RootPostID,
		Message:   text,
	})
}

// SubmitDialog handles every dialog the plugin opened: app forms and
// install consent. The state must be one the plugin sealed for this user
// and not yet expired; anything else is refused before any app is called.
func (s *Service) SubmitDialog(ctx context.Context, userID string, req *model.SubmitDialogRequest) *model.SubmitDialogResponse {
	st, err := s.Sealer.Open(userID, req.State)
	if err != nil {
		s.Log.Warn("Refused a dialog submission", "user_id", userID, "reason", err.Error())
		return &model.SubmitDialogResponse{Error: userText(err)}
	}
	switch {
	case req.Cancelled:
		return &model.SubmitDialogResponse{}
	case st.Kind == dialog.KindConsent && s.Consent != nil:
		return s.Consent.SubmitConsent(ctx, userID, st, req)
	case st.Kind != dialog.KindForm || st.Call == nil:
		return &model.SubmitDialogResponse{Error: "This form is not from a Lambda Apps app."}
	}
	values, fieldErrs := dialog.SubmissionValues(st, req.Submission)
	for name, err := range s.unreadableChannels(userID, st, values) {
		fieldErrs = withError(fieldErrs, name, err)
	}
	if len(fieldErrs) > 0 {
		return &model.SubmitDialogResponse{Error: "Some values are not among the choices.", Errors: fieldErrs}
	}
	creq := &apps.CallRequest{
		Call:   *st.Call,
		Values: values,
		Context: apps.Context{
			AppID: st.AppID, Location: st.Location, UserAgent: "webapp",
			ChannelID: st.ChannelID, TeamID: st.TeamID, RootPostID: st.RootPostID, PostID: st.PostID,
		},
	}
	resp, err := s.Calls.UserCall(ctx, userID, creq)
	if err != nil {
		return &model.SubmitDialogResponse{Error: userText(err)}
	}
	app, err := s.Apps.Get(st.AppID)
	if err != nil {
		return &model.SubmitDialogResponse{Error: userText(err)}
	}
	switch resp.Type {
	case apps.CallResponseTypeError:
		if fe := dialog.FieldErrors(resp); len(fe) > 0 {
			return &model.SubmitDialogResponse{Error: resp.Text, Errors: fe}
		}
		return &model.SubmitDialogResponse{Error: cmp.Or(resp.Text, "The app reported an error.")}
	case apps.CallResponseTypeForm:
		return s.nextForm(ctx, app, userID, st.Where, resp.Form)
	case apps.CallResponseTypeNavigate:
		link, err := s.navigation(resp.NavigateToURL)
		if err != nil {
			return &model.SubmitDialogResponse{Error: err.Error()}
		}
		s.post(app, userID, st.Where, "Open "+link.text)
	default:
		if resp.Text != "" {
			s.post(app, userID, st.Where, resp.Text)
		}
	}
	return &model.SubmitDialogResponse{}
}

// unreadableChannels are the channel fields whose submitted channels the
// user cannot read: the client offers only the user's channels, so only a
// changed request sends others.
func (s *Service) unreadableChannels(userID string, st dialog.State, values map[string]any) map[string]string {
	out := map[string]string{}
	for name, v := range values {
		if st.Fields[name].Type != apps.FieldTypeChannel {
			continue
		}
		chosen, _ := v.([]apps.SelectOption)
		if one, ok := v.(apps.SelectOption); ok {
			chosen = []apps.SelectOption{one}
		}
		for _, c := range chosen {
			if !s.API.CanReadChannel(userID, c.Value) {
				out[name] = "You cannot read one of these channels."
			}
		}
	}
	return out
}

func withError(errs map[string]string, name, msg string) map[string]string {
	if errs == nil {
		errs = map[string]string{}
	}
	errs[name] = msg
	return errs
}

// nextForm answers a dialog submission with the app's next form, as the
// next step of the same dialog, where the clients support it.
func (s *Service) nextForm(ctx context.Context, app *store.InstalledApp, userID string, where dialog.Where, form *apps.Form) *model.SubmitDialogResponse {
	if s.DialogForms == nil || !s.DialogForms() {
		return &model.SubmitDialogResponse{Error: "The app answered with another form, which this Mattermost version cannot show in the same dialog; run the command again."}
	}
	if form == nil {
		return &model.SubmitDialogResponse{Error: "The app answered with an empty form."}
	}
	d, err := s.dialogWithChoices(ctx, app, userID, where, form)
	if err != nil {
		return &model.SubmitDialogResponse{Error: err.Error()}
	}
	return &model.SubmitDialogResponse{Type: string(model.SubmitDialogResponseTypeForm), Form: &d}
}

// dialogWithChoices builds the dialog of an app's form at where, with the
// choices of its dynamic_select fields looked up first, and its state
// sealed for the user.
func (s *Service) dialogWithChoices(ctx context.Context, app *store.InstalledApp, userID string, where dialog.Where, form *apps.Form) (model.Dialog, error) {
	form = s.withLookupChoices(ctx, lookupTarget{app: app, userID: userID, where: where}, form)
	return s.sealedDialog(app, userID, where, form, "")
}

// sealedDialog builds the dialog of an app's form and seals its state.
func (s *Service) sealedDialog(app *store.InstalledApp, userID string, where dialog.Where, form *apps.Form, lookupURL string) (model.Dialog, error) {
	d, st, err := dialog.FromForm(form, where, app.Manifest.DisplayName, lookupURL)
	if err != nil {
		return model.Dialog{}, err
	}
	if d.State, err = s.Sealer.Seal(userID, st); err != nil {
		return model.Dialog{}, fmt.Errorf("could not open the app's form: %w", err)
	}
	return d, nil
}

func ephemeral(text string) *model.CommandResponse {
	return &model.CommandResponse{ResponseType: model.CommandResponseTypeEphemeral, Text: text}
}

// readableOnly resolves the names in a user's command: channel names only
// to channels that user can read (the app would act on the channel with
// the user's say-so).
type readableOnly struct {
	api    MattermostAPI
	userID string
}

func (r readableOnly) UserID(name string) (string, error) { return r.api.UserID(name) }

func (r readableOnly) ChannelID(teamID, name string) (string, error) {
	id, err := r.api.ChannelID(teamID, name)
	if err != nil {
		return "", err
	}
	if !r.api.CanReadChannel(r.userID, id) {
		return "", errors.New("no such channel")
	}
	return id, nil
}

// userText is what a user is told of a failed call or dialog.
func userText(err error) string { return failure.Message(err) }

// link is where an app's navigate answer leads, and how to show it.
type link struct{ url, text string }

// navigation checks an app's navigate answer: a path on the site or an
// http(s) URL; anything else (javascript:, data:, ...) is refused. Links
// that leave the site are shown as external.
func (s *Service) navigation(raw string) (link, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case err != nil || raw == "":
		return link{}, errors.New("the app answered with a link that is not a URL")
	case u.Scheme == "" && u.Host == "" && strings.HasPrefix(u.Path, "/"):
		return link{url: u.String(), text: u.String()}, nil
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		return link{}, fmt.Errorf("the app answered with a link that is not http(s): %q", u.Scheme+":")
	}
	site, _ := url.Parse(s.siteURL())
	if site != nil && strings.EqualFold(site.Host, u.Host) && site.Scheme == u.Scheme {
		return link{url: u.String(), text: u.String()}, nil
	}
	return link{url: u.String(), text: fmt.Sprintf("external link %s (outside Mattermost)", u.String())}, nil
}

func (s *Service) siteURL() string {
	if s.SiteURL == nil {
		return ""
	}
	return s.SiteURL()
}

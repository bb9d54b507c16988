package appcmd

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/bindings"
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
	top, _, err := s.Bindings.ForApp(ctx, app, bindings.Where{UserID: args.UserId, ChannelID: args.ChannelId, TeamID: args.TeamId, UserAgent: "command"})
	if err != nil {
		return ephemeral(fmt.Sprintf("The app `%s` did not answer: %s", appID, err.Error()))
	}
	cmd, found := commandBinding(top, words[0])
	if !found {
		return ephemeral(fmt.Sprintf("The app `%s` no longer offers `/%s` to you.", appID, words[0]))
	}
	parsed, err := Parse(cmd, words, args.TeamId, s.API)
	if err != nil {
		return ephemeral(err.Error())
	}
	where := DialogState{AppID: appID, Location: parsed.Location, ChannelID: args.ChannelId, TeamID: args.TeamId, RootPostID: args.RootId}

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
	resp, err := s.Calls.Call(ctx, app, creq, args.UserId)
	if err != nil {
		return s.fail(app, args.UserId, where, err.Error())
	}
	return s.render(ctx, app, args.UserId, args.TriggerId, where, resp)
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
func (s *Service) render(ctx context.Context, app *store.InstalledApp, userID, triggerID string, where DialogState, resp *apps.CallResponse) *model.CommandResponse {
	switch resp.Type {
	case apps.CallResponseTypeError:
		return s.fail(app, userID, where, firstNonEmpty(resp.Text, "the app reported an error"))
	case apps.CallResponseTypeForm:
		if resp.Form == nil {
			return s.fail(app, userID, where, "the app answered with an empty form")
		}
		if triggerID == "" {
			return s.fail(app, userID, where, "the app answered with a form, which cannot be opened here")
		}
		if s.openDynamicDialog(app, triggerID, where, resp.Form) {
			return &model.CommandResponse{}
		}
		dialog, err := s.dialogWithChoices(ctx, app, userID, where, resp.Form)
		if err != nil {
			return s.fail(app, userID, where, err.Error())
		}
		if err := s.API.OpenInteractiveDialog(model.OpenDialogRequest{TriggerId: triggerID, URL: s.DialogURL, Dialog: dialog}); err != nil {
			return s.fail(app, userID, where, "could not open the app's form: "+err.Error())
		}
		return &model.CommandResponse{}
	case apps.CallResponseTypeNavigate:
		s.post(app, userID, where, fmt.Sprintf("Opening %s", resp.NavigateToURL))
		return &model.CommandResponse{GotoLocation: resp.NavigateToURL}
	}
	if resp.Text != "" {
		s.post(app, userID, where, resp.Text)
	}
	return &model.CommandResponse{}
}

func (s *Service) fail(app *store.InstalledApp, userID string, where DialogState, msg string) *model.CommandResponse {
	s.post(app, userID, where, "**Error:** "+msg)
	return &model.CommandResponse{}
}

// post sends an ephemeral post from the app's bot.
func (s *Service) post(app *store.InstalledApp, userID string, where DialogState, text string) {
	s.API.SendEphemeralPost(userID, &model.Post{
		UserId:    app.BotUserID,
		ChannelId: where.ChannelID,
		RootId:    where.RootPostID,
		Message:   text,
	})
}

// SubmitDialog handles the submission of an app form's dialog: it calls the
// form's submit call with the values; field errors go back to the dialog.
func (s *Service) SubmitDialog(ctx context.Context, userID string, req *model.SubmitDialogRequest) *model.SubmitDialogResponse {
	var st DialogState
	if err := json.Unmarshal([]byte(req.State), &st); err != nil || st.Kind != KindForm || st.Call == nil {
		return &model.SubmitDialogResponse{Error: "This form is not from a Lambda Apps app."}
	}
	if req.Cancelled {
		return &model.SubmitDialogResponse{}
	}
	app, err := s.Apps.Get(st.AppID)
	switch {
	case err != nil:
		return &model.SubmitDialogResponse{Error: fmt.Sprintf("The app %s is not installed any more.", st.AppID)}
	case !app.Enabled():
		return &model.SubmitDialogResponse{Error: fmt.Sprintf("The app %s is disabled.", st.AppID)}
	}
	st.ChannelID = firstNonEmpty(req.ChannelId, st.ChannelID)
	st.TeamID = firstNonEmpty(req.TeamId, st.TeamID)
	creq := &apps.CallRequest{
		Call:   *st.Call,
		Values: SubmissionValues(st, req.Submission),
		Context: apps.Context{
			AppID: st.AppID, Location: st.Location, UserAgent: "webapp",
			ChannelID: st.ChannelID, TeamID: st.TeamID, RootPostID: st.RootPostID, PostID: st.PostID, UserID: userID,
		},
	}
	resp, err := s.Calls.Call(ctx, app, creq, userID)
	if err != nil {
		return &model.SubmitDialogResponse{Error: err.Error()}
	}
	switch resp.Type {
	case apps.CallResponseTypeError:
		if fe := FieldErrors(resp); len(fe) > 0 {
			return &model.SubmitDialogResponse{Error: resp.Text, Errors: fe}
		}
		return &model.SubmitDialogResponse{Error: firstNonEmpty(resp.Text, "The app reported an error.")}
	case apps.CallResponseTypeForm:
		return s.nextForm(ctx, app, userID, st, resp.Form)
	case apps.CallResponseTypeNavigate:
		s.post(app, userID, st, fmt.Sprintf("Open %s", resp.NavigateToURL))
	default:
		if resp.Text != "" {
			s.post(app, userID, st, resp.Text)
		}
	}
	return &model.SubmitDialogResponse{}
}

// nextForm answers a dialog submission with the app's next form, as the
// next step of the same dialog, where the clients support it.
func (s *Service) nextForm(ctx context.Context, app *store.InstalledApp, userID string, st DialogState, form *apps.Form) *model.SubmitDialogResponse {
	if s.DialogForms == nil || !s.DialogForms() {
		return &model.SubmitDialogResponse{Error: "The app answered with another form, which this Mattermost version cannot show in the same dialog; run the command again."}
	}
	if form == nil {
		return &model.SubmitDialogResponse{Error: "The app answered with an empty form."}
	}
	dialog, err := s.dialogWithChoices(ctx, app, userID, st, form)
	if err != nil {
		return &model.SubmitDialogResponse{Error: err.Error()}
	}
	return &model.SubmitDialogResponse{Type: string(model.SubmitDialogResponseTypeForm), Form: &dialog}
}

// dialogWithChoices builds the dialog of an app's form at where, with the
// choices of its dynamic_select fields looked up first. FormToDialog sets
// the state's form fields (kind, call, fields) itself.
func (s *Service) dialogWithChoices(ctx context.Context, app *store.InstalledApp, userID string, where DialogState, form *apps.Form) (model.Dialog, error) {
	form = s.withLookupChoices(ctx, lookupTarget{app: app, userID: userID, where: where}, form)
	return FormToDialog(form, where, app.Manifest.DisplayName)
}

func ephemeral(text string) *model.CommandResponse {
	return &model.CommandResponse{ResponseType: model.CommandResponseTypeEphemeral, Text: text}
}

// Package command implements the plugin's own `/apps` slash command. It is
// registered server-side, so it works on every client without any feature
// flag.
package command

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/callstats"
	"github.com/lambda-apps/lambda-apps/server/status"
)

// Trigger is the slash command trigger.
const Trigger = "apps"

// Deps are the services the command needs.
type Deps struct {
	// Status returns the current status report.
	Status func(ctx context.Context) status.Report
	// IsSystemAdmin reports whether the user may run admin sub-commands.
	IsSystemAdmin func(userID string) bool
	// Refresh resyncs the catalog and describes the outcome.
	Refresh func(ctx context.Context) (string, error)
	// Admin enables install, list, uninstall, enable and disable.
	Admin *AdminDeps
	// AppCalls, when set, gives the counts of calls to an app
	// (callstats.Stats.App) for `/apps info <app_id>` (system admins).
	AppCalls func(appID apps.AppID) (callstats.AppStats, bool)
}

// Handler executes `/apps`.
type Handler struct {
	deps Deps
	subs map[string]*subcommand
}

type subcommand struct {
	name  string
	hint  string
	help  string
	admin bool
	run   func(ctx context.Context, args *model.CommandArgs, rest []string) (*model.CommandResponse, error)
	// ac adds arguments to the sub-command's autocomplete.
	ac func(sub *model.AutocompleteData)
}

// New returns a Handler.
func New(deps Deps) *Handler {
	h := &Handler{deps: deps, subs: map[string]*subcommand{}}
	info := &subcommand{name: "info", help: "Show the plugin version and the apps you can use (system admins: the AWS connection status too).", run: h.info}
	if deps.AppCalls != nil {
		info.hint = "[app_id]"
		info.help = "Show the plugin version and the apps you can use (system admins: the AWS connection status and the calls to apps; with an app ID, that app's calls by path)."
		if deps.Admin != nil {
			info.ac = func(sub *model.AutocompleteData) {
				sub.AddDynamicListArgument("App (system admins)", deps.Admin.AutocompleteURL+"/installed", false)
			}
		}
	}
	h.add(info)
	h.add(&subcommand{name: "help", help: "Show this help.", run: h.help})
	h.addAdmin()
	if deps.Refresh != nil {
		h.add(&subcommand{name: "refresh", help: "Re-read the list of deployed apps from S3 now.", admin: true, run: h.refresh})
	}
	return h
}

func (h *Handler) add(s *subcommand) { h.subs[s.name] = s }

func (h *Handler) sorted() []*subcommand {
	out := make([]*subcommand, 0, len(h.subs))
	for _, s := range h.subs {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// Command returns the command registration, with autocomplete.
func (h *Handler) Command() *model.Command {
	ac := model.NewAutocompleteData(Trigger, "[command]", "Manage Lambda Apps")
	for _, s := range h.sorted() {
		sub := model.NewAutocompleteData(s.name, s.hint, s.help)
		if s.admin {
			sub.RoleID = model.SystemAdminRoleId
		}
		if s.ac != nil {
			s.ac(sub)
		}
		ac.AddCommand(sub)
	}
	return &model.Command{
		Trigger:          Trigger,
		DisplayName:      "Lambda Apps",
		Description:      "Install and manage Mattermost Apps deployed to AWS Lambda.",
		AutoComplete:     true,
		AutoCompleteDesc: "Available commands: " + strings.Join(h.names(), ", "),
		AutoCompleteHint: "[command]",
		AutocompleteData: ac,
	}
}

func (h *Handler) names() []string {
	var names []string
	for _, s := range h.sorted() {
		names = append(names, s.name)
	}
	return names
}

// Execute runs a `/apps ...` command line and always returns a response
// (errors become ephemeral messages).
func (h *Handler) Execute(ctx context.Context, args *model.CommandArgs) *model.CommandResponse {
	fields := strings.Fields(args.Command)
	if len(fields) == 0 || !strings.EqualFold(strings.TrimPrefix(fields[0], "/"), Trigger) {
		return ephemeral(fmt.Sprintf("Unknown command %q.", args.Command))
	}
	if len(fields) == 1 {
		return h.helpText()
	}
	s, ok := h.subs[strings.ToLower(fields[1])]
	if !ok {
		return ephemeral(fmt.Sprintf("Unknown sub-command `%s`. Available: %s. Type `/apps help` for details.", fields[1], strings.Join(h.names(), ", ")))
	}
	if s.admin && !h.deps.IsSystemAdmin(args.UserId) {
		return ephemeral(fmt.Sprintf("`/apps %s` can only be run by a system administrator.", s.name))
	}
	resp, err := s.run(ctx, args, fields[2:])
	if err != nil {
		return ephemeral(fmt.Sprintf("`/apps %s` failed: %s", s.name, err.Error()))
	}
	return resp
}

// info shows system admins the full status. Everyone else sees its public
// view: the plugin version, whether apps are available and the enabled
// apps, never the bucket, region, endpoints or any S3, catalog or AWS error.
// With an app ID it shows system admins that app's calls (appInfo).
func (h *Handler) info(ctx context.Context, args *model.CommandArgs, rest []string) (*model.CommandResponse, error) {
	admin := h.deps.IsSystemAdmin != nil && h.deps.IsSystemAdmin(args.UserId)
	if len(rest) > 0 && h.deps.AppCalls != nil {
		if !admin {
			return ephemeral("An app's calls (`/apps info <app_id>`) can only be seen by a system administrator. `/apps info` shows the apps you can use."), nil
		}
		return h.appInfo(apps.AppID(rest[0]))
	}
	report := h.deps.Status(ctx)
	if admin {
		return ephemeral(report.Markdown()), nil
	}
	return ephemeral(report.Public().Markdown()), nil
}

// appInfo shows an app's calls on this node: totals, errors by class and
// latency quantiles for the last hour and since start, and per path.
func (h *Handler) appInfo(appID apps.AppID) (*model.CommandResponse, error) {
	stats, counted := h.deps.AppCalls(appID)
	if !counted && !h.installed(appID) {
		return nil, fmt.Errorf("no app %s is installed (`/apps list` shows the installed apps)", appID)
	}
	return ephemeral(stats.Markdown()), nil
}

// installed reports whether appID is installed; true when the admin
// sub-commands (which know) are not set up.
func (h *Handler) installed(appID apps.AppID) bool {
	if h.deps.Admin == nil || h.deps.Admin.Installed == nil {
		return true
	}
	for _, a := range h.deps.Admin.Installed() {
		if a.ID() == appID {
			return true
		}
	}
	return false
}

func (h *Handler) refresh(ctx context.Context, _ *model.CommandArgs, _ []string) (*model.CommandResponse, error) {
	text, err := h.deps.Refresh(ctx)
	if err != nil {
		return nil, err
	}
	return ephemeral(text), nil
}

func (h *Handler) help(context.Context, *model.CommandArgs, []string) (*model.CommandResponse, error) {
	return h.helpText(), nil
}

func (h *Handler) helpText() *model.CommandResponse {
	var b strings.Builder
	b.WriteString("#### Lambda Apps: `/apps` commands\n\n")
	for _, s := range h.sorted() {
		line := "/apps " + s.name
		if s.hint != "" {
			line += " " + s.hint
		}
		fmt.Fprintf(&b, "- `%s`: %s", line, s.help)
		if s.admin {
			b.WriteString(" _(system admins only)_")
		}
		b.WriteString("\n")
	}
	return ephemeral(b.String())
}

func ephemeral(text string) *model.CommandResponse {
	return &model.CommandResponse{ResponseType: model.CommandResponseTypeEphemeral, Text: text}
}

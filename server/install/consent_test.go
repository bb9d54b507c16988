package install

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// grantManifest is a manifest of hello-app that requests perms and locs.
func grantManifest(t *testing.T, version string, perms apps.Permissions, locs apps.Locations) string {
	t.Helper()
	data, err := json.Marshal(map[string]any{
		"app_id": "hello-app", "version": version, "display_name": "App hello-app", "homepage_url": "https://example.com",
		"requested_permissions": perms, "requested_locations": locs,
		"on_version_changed": map[string]string{"path": "/upgraded"},
		"aws_lambda": map[string]any{"functions": []map[string]string{
			{"path": "/", "name": "main", "handler": "bootstrap", "runtime": "provided.al2023"},
		}},
	})
	require.NoError(t, err)
	return string(data)
}

// consentFixture is the install fixture with more versions of hello-app.
// 1.0.0 (installed by the tests) requests act_as_bot and /command.
func consentFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	for version, m := range map[string]string{
		"1.0.1": grantManifest(t, "1.0.1", apps.Permissions{apps.PermissionActAsBot}, apps.Locations{"/command/hello"}),
		"1.0.2": grantManifest(t, "1.0.2", nil, nil),
		"1.2.0": grantManifest(t, "1.2.0", apps.Permissions{apps.PermissionActAsBot, apps.PermissionActAsUser}, apps.Locations{"/command"}),
		"1.3.0": grantManifest(t, "1.3.0", apps.Permissions{apps.PermissionActAsBot}, apps.Locations{"/command", "/post_menu"}),
		"1.4.0": grantManifest(t, "1.4.0", apps.Permissions{apps.PermissionActAsBot, apps.PermissionActAsUser, apps.PermissionRemoteOAuth2},
			apps.Locations{"/command", "/channel_header/x"}),
	} {
		f.bucket["manifests/hello-app_"+version+".json"] = m
	}
	_, err := f.cat.Sync(context.Background(), f.bucket)
	require.NoError(t, err)
	return f
}

// mmState is what an install may change in Mattermost.
type mmState struct {
	Bots    map[string]model.Bot
	Images  map[string]string
	Creates int
}

func (f *fakeMM) state() mmState {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := mmState{Bots: map[string]model.Bot{}, Images: map[string]string{}, Creates: f.creates}
	for id, b := range f.bots {
		st.Bots[id] = *b
	}
	for id, img := range f.images {
		st.Images[id] = string(img)
	}
	return st
}

func TestUpgradeConsent(t *testing.T) {
	actAsBot := []apps.Permission{apps.PermissionActAsBot}
	tests := []struct {
		name string
		// installed changes the record of the installed 1.0.0 (nil: as
		// installed, with all that 1.0.0 requests granted).
		installed func(*store.InstalledApp)
		req       Request
		// wantPerms and wantLocs are what a refusal names as new;
		// wantRefused says the install must fail.
		wantRefused bool
		wantPerms   apps.Permissions
		wantLocs    apps.Locations
		// grantedPerms and grantedLocs are the record's grants after a
		// successful install.
		grantedPerms []apps.Permission
		grantedLocs  []apps.Location
		wantMessage  string
		wantCalls    []string
	}{
		{
			name:         "upgrade asking for nothing new",
			req:          Request{Version: "1.1.0"},
			grantedPerms: actAsBot, grantedLocs: []apps.Location{"/command"},
			wantMessage: "Upgraded app `hello-app` (App hello-app) from 1.0.0 to 1.1.0.",
			wantCalls:   []string{"/ping", "/upgraded"},
		},
		{
			name:         "upgrade asking for a location under a granted one",
			req:          Request{Version: "1.0.1"},
			grantedPerms: actAsBot, grantedLocs: []apps.Location{"/command/hello"},
			wantMessage: "Upgraded app `hello-app` (App hello-app) from 1.0.0 to 1.0.1.",
			wantCalls:   []string{"/ping", "/upgraded"},
		},
		{
			name:        "upgrade asking for less",
			req:         Request{Version: "1.0.2"},
			wantMessage: "Upgraded app `hello-app` (App hello-app) from 1.0.0 to 1.0.2.",
			wantCalls:   []string{"/ping", "/upgraded"},
		},
		{
			name:        "upgrade asking for a new permission",
			req:         Request{Version: "1.2.0"},
			wantRefused: true, wantPerms: apps.Permissions{apps.PermissionActAsUser},
		},
		{
			name:         "upgrade asking for a new permission, with grant",
			req:          Request{Version: "1.2.0", Grant: true},
			grantedPerms: []apps.Permission{apps.PermissionActAsBot, apps.PermissionActAsUser}, grantedLocs: []apps.Location{"/command"},
			wantMessage: "With your consent, the app was granted what it was not granted before: permissions act_as_user.",
			wantCalls:   []string{"/ping", "/upgraded"},
		},
		{
			name:        "upgrade asking for a new location",
			req:         Request{Version: "1.3.0"},
			wantRefused: true, wantLocs: apps.Locations{"/post_menu"},
		},
		{
			name:         "upgrade asking for a new location, with grant",
			req:          Request{Version: "1.3.0", Grant: true},
			grantedPerms: actAsBot, grantedLocs: []apps.Location{"/command", "/post_menu"},
			wantMessage: "With your consent, the app was granted what it was not granted before: locations /post_menu.",
			wantCalls:   []string{"/ping", "/upgraded"},
		},
		{
			name:        "upgrade asking for new permissions and locations names them all",
			req:         Request{Version: "1.4.0"},
			wantRefused: true, wantPerms: apps.Permissions{apps.PermissionActAsUser, apps.PermissionRemoteOAuth2}, wantLocs: apps.Locations{"/channel_header/x"},
		},
		{
			name:        "the listed version asking for more needs consent too",
			req:         Request{},
			wantRefused: true, wantPerms: apps.Permissions{apps.PermissionActAsUser, apps.PermissionRemoteOAuth2}, wantLocs: apps.Locations{"/channel_header/x"},
		},
		{
			name:        "an explicit permission list is consent to it, not to new locations",
			req:         Request{Version: "1.4.0", GrantedPermissions: apps.Permissions{apps.PermissionActAsBot, apps.PermissionActAsUser}},
			wantRefused: true, wantLocs: apps.Locations{"/channel_header/x"},
		},
		{
			name: "explicit lists are consent to what they hold",
			req: Request{Version: "1.4.0", GrantedPermissions: apps.Permissions{apps.PermissionActAsBot, apps.PermissionActAsUser},
				GrantedLocations: apps.Locations{"/command"}},
			grantedPerms: []apps.Permission{apps.PermissionActAsBot, apps.PermissionActAsUser}, grantedLocs: []apps.Location{"/command"},
			wantMessage: "With your consent, the app was granted what it was not granted before: permissions act_as_user.",
			wantCalls:   []string{"/ping", "/upgraded"},
		},
		{
			name:         "reinstall of the same version",
			req:          Request{Version: "1.0.0"},
			grantedPerms: actAsBot, grantedLocs: []apps.Location{"/command"},
			wantMessage: "Reinstalled app `hello-app` (App hello-app) 1.0.0.",
			wantCalls:   []string{"/ping"},
		},
		{
			name: "reinstall of the same version asking for what was not granted",
			installed: func(a *store.InstalledApp) {
				a.GrantedPermissions, a.GrantedLocations = nil, []apps.Location{"/command/other"}
			},
			req:         Request{Version: "1.0.0"},
			wantRefused: true, wantPerms: apps.Permissions{apps.PermissionActAsBot}, wantLocs: apps.Locations{"/command"},
		},
		{
			name:         "reinstall of the same version, with grant",
			installed:    func(a *store.InstalledApp) { a.GrantedPermissions = nil },
			req:          Request{Version: "1.0.0", Grant: true},
			grantedPerms: actAsBot, grantedLocs: []apps.Location{"/command"},
			wantMessage: "With your consent, the app was granted what it was not granted before: permissions act_as_bot.",
			wantCalls:   []string{"/ping"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := consentFixture(t)
			ctx := context.Background()
			_, err := f.svc.Install(ctx, Request{AppID: "hello-app", Version: "1.0.0", ActingUserID: "admin"})
			require.NoError(t, err)
			if tt.installed != nil {
				_, err = f.apps.Update("hello-app", func(cur *store.InstalledApp) (*store.InstalledApp, error) {
					tt.installed(cur)
					return cur, nil
				})
				require.NoError(t, err)
			}
			before, err := f.apps.Get("hello-app")
			require.NoError(t, err)
			beforeMM := f.mm.state()
			f.inv.paths = nil
			changes := 0
			onChange := f.svc.OnChange
			f.svc.OnChange = func(ctx context.Context, id apps.AppID) []string { changes++; return onChange(ctx, id) }

			req := tt.req
			req.AppID, req.ActingUserID = "hello-app", "admin2"
			res, err := f.svc.Install(ctx, req)
			after, getErr := f.apps.Get("hello-app")
			require.NoError(t, getErr)

			if tt.wantRefused {
				require.ErrorIs(t, err, ErrConsentRequired)
				assert.Nil(t, res)
				var ce *ConsentError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, tt.wantPerms, ce.NewPermissions)
				assert.Equal(t, tt.wantLocs, ce.NewLocations)
				assert.Equal(t, apps.AppVersion("1.0.0"), ce.InstalledVersion)
				for _, s := range append(append([]string{"/apps install listed hello-app --version " + string(ce.Version), `"grant": true`}, permStrings(tt.wantPerms)...), locStrings(tt.wantLocs)...) {
					assert.Contains(t, err.Error(), s, "the error names what is new and how to consent")
				}
				assert.Equal(t, before, after, "the record is unchanged")
				assert.Equal(t, beforeMM, f.mm.state(), "the bot is unchanged")
				assert.Empty(t, f.inv.paths, "the app is not called")
				assert.Zero(t, changes, "nothing is re-registered")
				return
			}
			require.NoError(t, err)
			assert.Contains(t, res.Messages, tt.wantMessage)
			if !strings.HasPrefix(tt.wantMessage, "With your consent") {
				assert.NotContains(t, strings.Join(res.Messages, "\n"), "With your consent", "nothing was newly granted")
			}
			assert.Equal(t, tt.wantCalls, f.inv.paths)
			assert.Equal(t, tt.grantedPerms, after.GrantedPermissions)
			assert.Equal(t, tt.grantedLocs, after.GrantedLocations)
			assert.Equal(t, tt.req.Version, after.Manifest.Version)
			assert.Equal(t, "admin2", after.InstalledBy)
			assert.Equal(t, before.BotUserID, after.BotUserID, "the app keeps its bot")
			assert.Equal(t, 1, changes)
		})
	}
}

func permStrings(ps apps.Permissions) []string {
	var out []string
	for _, p := range ps {
		out = append(out, string(p))
	}
	return out
}

func locStrings(ls apps.Locations) []string {
	var out []string
	for _, l := range ls {
		out = append(out, string(l))
	}
	return out
}

// TestFirstInstallNeedsNoGrant: an app that is not installed is installed
// with what its manifest requests, as before (REST callers and appsctl
// --install keep working); uninstalling forgets the grants.
func TestFirstInstallNeedsNoGrant(t *testing.T) {
	f := consentFixture(t)
	ctx := context.Background()
	res, err := f.svc.Install(ctx, Request{AppID: "hello-app", Version: "1.4.0"})
	require.NoError(t, err)
	assert.Equal(t, []apps.Permission{apps.PermissionActAsBot, apps.PermissionActAsUser, apps.PermissionRemoteOAuth2}, res.App.GrantedPermissions)
	assert.NotContains(t, strings.Join(res.Messages, "\n"), "With your consent")

	_, err = f.svc.Uninstall(ctx, "hello-app", "admin")
	require.NoError(t, err)
	_, err = f.svc.Install(ctx, Request{AppID: "hello-app", Version: "1.0.0"})
	require.NoError(t, err)
	_, err = f.svc.Install(ctx, Request{AppID: "hello-app", Version: "1.4.0"})
	require.ErrorIs(t, err, ErrConsentRequired, "after a reinstall at 1.0.0, 1.0.0's grants count")
}

// TestConsentCheckedWhenSaving: an install that began before the app was
// installed (so it looked like a first install) is refused when, by the
// time it saves, another install has stored grants that are narrower.
func TestConsentCheckedWhenSaving(t *testing.T) {
	f := consentFixture(t)
	other := &store.InstalledApp{Manifest: apps.Manifest{AppID: "hello-app", Version: "1.0.0"},
		GrantedPermissions: []apps.Permission{apps.PermissionActAsBot}, GrantedLocations: []apps.Location{"/command"}}
	f.mm.beforeCreate = func(string) {
		f.mm.beforeCreate = nil
		_, err := f.apps.Update("hello-app", func(*store.InstalledApp) (*store.InstalledApp, error) { c := *other; return &c, nil })
		require.NoError(t, err)
	}
	_, err := f.svc.Install(context.Background(), Request{AppID: "hello-app", Version: "1.2.0"})
	var ce *ConsentError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, apps.Permissions{apps.PermissionActAsUser}, ce.NewPermissions)
	saved, err := f.apps.Get("hello-app")
	require.NoError(t, err)
	assert.Equal(t, other.GrantedPermissions, saved.GrantedPermissions, "the other install's record stays")
	assert.Equal(t, apps.AppVersion("1.0.0"), saved.Manifest.Version)
}

func TestConsentErrorMessage(t *testing.T) {
	err := &ConsentError{AppID: "hello-app", Version: "2.0.0", InstalledVersion: "1.0.0",
		NewPermissions: apps.Permissions{"act_as_user", "remote_oauth2"}, NewLocations: apps.Locations{"/post_menu"}}
	assert.Equal(t, "consent required: app hello-app 2.0.0 asks for what the installed version 1.0.0 was not granted: "+
		"permissions act_as_user, remote_oauth2; locations /post_menu. "+
		"To consent, run `/apps install listed hello-app --version 2.0.0` in Mattermost (it shows what the app asks for), "+
		`or send the install request again with "version": "2.0.0" and "grant": true (appsctl aws deploy: --install --grant)`, err.Error())
	assert.Equal(t, "locations /post_menu", (&ConsentError{NewLocations: apps.Locations{"/post_menu"}}).What())
}

package install

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/pluginapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/lambdainvoke"
	"github.com/lambda-apps/lambda-apps/aws/s3store"
	"github.com/lambda-apps/lambda-apps/server/appcall"
	"github.com/lambda-apps/lambda-apps/server/catalog"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// memSource is a bucket in memory.
type memSource map[string]string

func (m memSource) List(context.Context, string) ([]s3store.Object, error) {
	var out []s3store.Object
	for k, v := range m {
		out = append(out, s3store.Object{Key: k, ETag: fmt.Sprint(len(v))})
	}
	return out, nil
}

func (m memSource) ReadSmall(_ context.Context, key string, _ int64) ([]byte, string, error) {
	return []byte(m[key]), fmt.Sprint(len(m[key])), nil
}

type lock struct{ sync.Mutex }

func (l *lock) LockWithContext(context.Context) error { l.Lock(); return nil }

type quiet struct{}

func (quiet) Info(string, ...any)  {}
func (quiet) Warn(string, ...any)  {}
func (quiet) Error(string, ...any) {}

// invoker answers by path and records calls.
type invoker struct {
	mu      sync.Mutex
	paths   []string
	answers map[string]string
	errs    map[string]error
}

func (i *invoker) Call(_ context.Context, _, path string, body []byte) ([]byte, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.paths = append(i.paths, path)
	if err := i.errs[path]; err != nil {
		return nil, err
	}
	if a, ok := i.answers[path]; ok {
		return []byte(a), nil
	}
	var creq apps.CallRequest
	_ = json.Unmarshal(body, &creq)
	return []byte(`{"type":"ok","text":"did ` + path + `"}`), nil
}

func (i *invoker) Notify(context.Context, string, string, []byte) error { return nil }

// fakeMM keeps users and bots in memory. Like the server's
// PluginAPI.CreateBot, CreateBot makes the plugin the owner of a bot created
// without an OwnerId.
type fakeMM struct {
	mu     sync.Mutex
	users  map[string]*model.User
	bots   map[string]*model.Bot
	images map[string][]byte
	nextID int
	// beforeCreate runs at the start of CreateBot (without the lock): a
	// test can take the username there, as a racing creator would.
	beforeCreate func(username string)
	creates      int
}

func newFakeMM() *fakeMM {
	return &fakeMM{users: map[string]*model.User{}, bots: map[string]*model.Bot{}, images: map[string][]byte{}}
}

// addPerson adds a user account that is not a bot.
func (f *fakeMM) addPerson(username string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[username] = &model.User{Id: "person-" + username, Username: username}
}

// addBot adds a bot owned by owner (a plugin or user ID) and returns its
// user ID.
func (f *fakeMM) addBot(username, owner string, deleted bool) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	id := fmt.Sprintf("bot%d", f.nextID)
	b := &model.Bot{UserId: id, Username: username, DisplayName: "Someone's bot", Description: "not ours", OwnerId: owner}
	if deleted {
		b.DeleteAt = 1
	}
	f.bots[id] = b
	f.users[username] = &model.User{Id: id, Username: username, IsBot: true}
	return id
}

// bot returns a copy of a bot.
func (f *fakeMM) bot(id string) model.Bot {
	f.mu.Lock()
	defer f.mu.Unlock()
	return *f.bots[id]
}

func (f *fakeMM) GetUserByUsername(name string) (*model.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if u, ok := f.users[name]; ok {
		c := *u
		return &c, nil
	}
	return nil, ErrNotFound
}

func (f *fakeMM) GetBot(id string, _ bool) (*model.Bot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.bots[id]
	if !ok {
		return nil, errors.New("no bot")
	}
	c := *b
	return &c, nil
}

func (f *fakeMM) CreateBot(b *model.Bot) (*model.Bot, error) {
	if f.beforeCreate != nil {
		f.beforeCreate(b.Username)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.creates++
	if _, taken := f.users[b.Username]; taken {
		return nil, errors.New("an account with that username already exists")
	}
	if !model.IsValidUsername(b.Username) {
		return nil, errors.New("invalid username")
	}
	f.nextID++
	c := *b
	c.UserId = fmt.Sprintf("bot%d", f.nextID)
	if c.OwnerId == "" {
		c.OwnerId = PluginID
	}
	f.bots[c.UserId] = &c
	f.users[c.Username] = &model.User{Id: c.UserId, Username: c.Username, IsBot: true}
	out := c
	return &out, nil
}

func (f *fakeMM) PatchBot(id string, p *model.BotPatch) (*model.Bot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.bots[id]
	b.DisplayName, b.Description = *p.DisplayName, *p.Description
	c := *b
	return &c, nil
}

func (f *fakeMM) UpdateBotActive(id string, active bool) (*model.Bot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.bots[id]
	b.DeleteAt = 0
	if !active {
		b.DeleteAt = 1
	}
	c := *b
	return &c, nil
}

func (f *fakeMM) SetProfileImage(id string, data []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.images[id] = data
	return nil
}

func manifest(id, version string, extra string) string {
	return fmt.Sprintf(`{"app_id":%q,"version":%q,"display_name":"App %s","homepage_url":"https://example.com","icon":"icon.png",
	 "requested_permissions":["act_as_bot"],"requested_locations":["/command"],
	 "aws_lambda":{"functions":[{"path":"/","name":"main","handler":"bootstrap","runtime":"provided.al2023"}]}%s}`, id, version, id, extra)
}

type fixture struct {
	svc    *Service
	inv    *invoker
	mm     *fakeMM
	apps   *store.Apps
	cat    *catalog.Service
	bucket memSource
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{inv: &invoker{answers: map[string]string{}, errs: map[string]error{}}, mm: newFakeMM(), bucket: memSource{}}
	f.bucket["manifests/hello-app_1.0.0.json"] = manifest("hello-app", "1.0.0", `,"on_install":"/installed","on_uninstall":"/bye","on_disable":"/off","on_enable":"/on"`)
	f.bucket["manifests/hello-app_1.1.0.json"] = manifest("hello-app", "1.1.0", `,"on_version_changed":{"path":"/upgraded"}`)
	f.bucket["manifests/http-only_1.json"] = `{"app_id":"http-only","version":"1","display_name":"H","homepage_url":"https://e.com","http":{"root_url":"https://e.com"}}`
	f.cat = catalog.New(catalog.Options{KV: &pluginapi.MemoryStore{}, Lock: &lock{}, Log: quiet{}})
	_, err := f.cat.Sync(context.Background(), f.bucket)
	require.NoError(t, err)
	f.apps = store.NewApps(&pluginapi.MemoryStore{}, nil)
	calls := appcall.New(appcall.Deps{Apps: f.apps, Env: appcall.FixedEnv{Lambda: f.inv, Timeout: time.Second, Site: "http://mm"}})
	f.svc = New(Deps{Catalog: f.cat, Apps: f.apps, Calls: calls, API: f.mm, Log: quiet{},
		OpenIcon: func(_ context.Context, appID, version, name string) (io.ReadCloser, error) {
			return io.NopCloser(strings.NewReader("PNG " + appID + " " + version + " " + name)), nil
		},
		OnChange: func(context.Context, apps.AppID) []string { return []string{"commands synced"} },
	})
	return f
}

func TestInstallNewApp(t *testing.T) {
	f := newFixture(t)
	res, err := f.svc.Install(context.Background(), Request{AppID: "hello-app", Version: "1.0.0", ActingUserID: "admin"})
	require.NoError(t, err)
	assert.Equal(t, []string{"/ping", "/installed"}, f.inv.paths, "ping first, then on_install")
	assert.Equal(t, []string{
		"Installed app `hello-app` (App hello-app) 1.0.0 with bot account @hello-app.",
		"did /installed",
		"commands synced",
	}, res.Messages)
	app, err := f.apps.Get("hello-app")
	require.NoError(t, err)
	assert.Equal(t, "hello-app", app.BotUsername)
	assert.Equal(t, "admin", app.InstalledBy)
	assert.Equal(t, []apps.Location{"/command"}, app.GrantedLocations)
	assert.Equal(t, "PNG hello-app 1.0.0 icon.png", string(f.mm.images[app.BotUserID]), "bot profile image from the app icon")
}

func TestInstallListedVersionAndUpgrade(t *testing.T) {
	f := newFixture(t)
	_, err := f.svc.Install(context.Background(), Request{AppID: "hello-app", Version: "1.0.0", ActingUserID: "admin"})
	require.NoError(t, err)
	f.inv.paths = nil
	res, err := f.svc.Install(context.Background(), Request{AppID: "hello-app", ActingUserID: "admin"})
	require.NoError(t, err)
	assert.Equal(t, apps.AppVersion("1.0.0"), res.PreviousVersion)
	assert.Equal(t, apps.AppVersion("1.1.0"), res.App.Manifest.Version, "the listed (highest) version")
	assert.Equal(t, []string{"/ping", "/upgraded"}, f.inv.paths)
	assert.Contains(t, res.Messages[0], "Upgraded app `hello-app` (App hello-app) from 1.0.0 to 1.1.0.")
}

func TestInstallFailures(t *testing.T) {
	f := newFixture(t)
	_, err := f.svc.Install(context.Background(), Request{AppID: "nope"})
	require.ErrorIs(t, err, ErrNotListed)
	_, err = f.svc.Install(context.Background(), Request{AppID: "hello-app", Version: "9.9"})
	require.ErrorIs(t, err, ErrNotListed)
	_, err = f.svc.Install(context.Background(), Request{AppID: "http-only"})
	require.ErrorIs(t, err, ErrUnsupported)

	f.inv.errs["/ping"] = fmt.Errorf("invoke: %w", lambdainvoke.ErrNotDeployed)
	_, err = f.svc.Install(context.Background(), Request{AppID: "hello-app"})
	require.ErrorIs(t, err, ErrPing)
	_, err = f.apps.Get("hello-app")
	require.ErrorIs(t, err, store.ErrNotFound, "nothing stored when the app cannot be reached")

	// An app without /ping (HTTP 404) is reachable enough.
	f.inv.errs["/ping"] = &lambdainvoke.StatusError{StatusCode: 404}
	_, err = f.svc.Install(context.Background(), Request{AppID: "hello-app", Version: "1.0.0"})
	require.NoError(t, err)
}

func TestOnInstallFailureKeepsApp(t *testing.T) {
	f := newFixture(t)
	f.inv.answers["/installed"] = `{"type":"error","text":"no database"}`
	res, err := f.svc.Install(context.Background(), Request{AppID: "hello-app", Version: "1.0.0", ActingUserID: "admin"})
	require.NoError(t, err)
	assert.Contains(t, strings.Join(res.Messages, "\n"), "Warning: on_install failed: no database")
	_, err = f.apps.Get("hello-app")
	require.NoError(t, err, "the app stays installed")
}

func TestBotRules(t *testing.T) {
	f := newFixture(t)
	f.mm.addPerson("hello-app")
	res, err := f.svc.Install(context.Background(), Request{AppID: "hello-app", Version: "1.0.0"})
	require.NoError(t, err)
	assert.Equal(t, "hello-app-app", res.App.BotUsername, "a person owns the plain name")
	assert.Contains(t, res.Messages, "The username @hello-app belongs to a person; the app's bot is @hello-app-app.")
	assert.Contains(t, res.Messages, "Installed app `hello-app` (App hello-app) 1.0.0 with bot account @hello-app-app.")

	f2 := newFixture(t)
	res, err = f2.svc.Install(context.Background(), Request{AppID: "hello-app", Version: "1.0.0"})
	require.NoError(t, err)
	botID := res.App.BotUserID
	assert.Equal(t, PluginID, f2.mm.bot(botID).OwnerId, "the plugin owns the bots it creates")
	_, err = f2.svc.Uninstall(context.Background(), "hello-app", "admin")
	require.NoError(t, err)
	assert.NotZero(t, f2.mm.bot(botID).DeleteAt, "uninstall deactivates the bot")
	res, err = f2.svc.Install(context.Background(), Request{AppID: "hello-app", Version: "1.0.0"})
	require.NoError(t, err)
	assert.Equal(t, botID, res.App.BotUserID, "reinstall reuses the bot")
	assert.Zero(t, f2.mm.bot(botID).DeleteAt, "and reactivates it")

	assert.Equal(t, "app-9lives", BotUsername("9Lives"))
	assert.Equal(t, "com.example.app_x", BotUsername("com.Example.App_X"))
}

func TestInstallNeverTakesOverABot(t *testing.T) {
	f := newFixture(t)
	otherID := f.mm.addBot("hello-app", "com.example.other-plugin", true)
	res, err := f.svc.Install(context.Background(), Request{AppID: "hello-app", Version: "1.0.0"})
	require.NoError(t, err)
	assert.Equal(t, "hello-app-app", res.App.BotUsername)
	assert.NotEqual(t, otherID, res.App.BotUserID)
	assert.Equal(t, "The username @hello-app belongs to a bot that Lambda Apps does not own; the app's bot is @hello-app-app.", res.Messages[0])
	other := f.mm.bot(otherID)
	assert.NotZero(t, other.DeleteAt, "the other plugin's bot stays deactivated")
	assert.Equal(t, "Someone's bot", other.DisplayName, "and unchanged")
	assert.NotContains(t, f.mm.images, otherID, "its profile image is not replaced")

	// An upgrade keeps the bot the app has.
	res, err = f.svc.Install(context.Background(), Request{AppID: "hello-app", Version: "1.1.0"})
	require.NoError(t, err)
	assert.Equal(t, "hello-app-app", res.App.BotUsername)
	assert.NotContains(t, strings.Join(res.Messages, "\n"), "does not own", "no note when the app keeps its bot")
}

func TestInstallDoesNotShareAnotherAppsBot(t *testing.T) {
	f := newFixture(t)
	f.bucket["manifests/hello-app-app_1.json"] = manifest("hello-app-app", "1", "")
	_, err := f.cat.Sync(context.Background(), f.bucket)
	require.NoError(t, err)

	// hello-app gets @hello-app-app, the preferred name of the app
	// hello-app-app.
	f.mm.addPerson("hello-app")
	first, err := f.svc.Install(context.Background(), Request{AppID: "hello-app", Version: "1.0.0"})
	require.NoError(t, err)
	require.Equal(t, "hello-app-app", first.App.BotUsername)

	second, err := f.svc.Install(context.Background(), Request{AppID: "hello-app-app"})
	require.NoError(t, err)
	assert.NotEqual(t, first.App.BotUserID, second.App.BotUserID, "each app has its own bot")
	assert.Equal(t, "hello-app-app-app", second.App.BotUsername)
	assert.Equal(t, "The username @hello-app-app is the bot of the installed app `hello-app`; the app's bot is @hello-app-app-app.", second.Messages[0])
	assert.Equal(t, "App hello-app", f.mm.bot(first.App.BotUserID).DisplayName, "the first app's bot is unchanged")
}

func TestInstallFailsWhenNoBotUsernameIsFree(t *testing.T) {
	f := newFixture(t)
	for _, name := range botUsernames("hello-app") {
		f.mm.addPerson(name)
	}
	_, err := f.svc.Install(context.Background(), Request{AppID: "hello-app", Version: "1.0.0"})
	require.ErrorContains(t, err, "no username is free for the app's bot (@hello-app to @hello-app-app-9)")
	_, err = f.apps.Get("hello-app")
	require.ErrorIs(t, err, store.ErrNotFound, "nothing stored without a bot")
}

func TestEnableDisableUninstall(t *testing.T) {
	f := newFixture(t)
	_, err := f.svc.Install(context.Background(), Request{AppID: "hello-app", Version: "1.0.0"})
	require.NoError(t, err)
	f.inv.paths = nil

	res, err := f.svc.Disable(context.Background(), "hello-app", "admin")
	require.NoError(t, err)
	assert.Equal(t, "App `hello-app` is disabled.", res.Messages[0])
	assert.True(t, res.App.Disabled)
	_, err = f.svc.Disable(context.Background(), "hello-app", "admin")
	require.ErrorIs(t, err, ErrNoChange)

	_, err = f.svc.Enable(context.Background(), "hello-app", "admin")
	require.NoError(t, err)
	assert.Equal(t, []string{"/off", "/on"}, f.inv.paths, "on_disable before, on_enable after")

	require.NoError(t, f.apps.DeleteAppData("hello-app"))
	res, err = f.svc.Uninstall(context.Background(), "hello-app", "admin")
	require.NoError(t, err)
	assert.Contains(t, res.Messages[0], "Uninstalled app `hello-app`")
	assert.Equal(t, "/bye", f.inv.paths[len(f.inv.paths)-1])
	_, err = f.svc.Uninstall(context.Background(), "hello-app", "admin")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestConcurrentInstallsKeepOneRecord(t *testing.T) {
	f := newFixture(t)
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.svc.Install(context.Background(), Request{AppID: "hello-app", Version: "1.0.0", ActingUserID: fmt.Sprint("admin", i)})
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	list := f.apps.List()
	require.Len(t, list, 1)
	assert.Len(t, f.mm.bots, 1, "one bot for the app")
	assert.Equal(t, "hello-app", list[0].BotUsername, "racing installs reuse the bot the first one created")
}

//go:build e2e && benche2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/aws/awsclient"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
	"github.com/lambda-apps/lambda-apps/aws/lambdainvoke"
	"github.com/lambda-apps/lambda-apps/server/timing"
)

// TestBenchThroughServer measures the call paths where users pay for them:
// through the real Mattermost server on loopback, interleaved in one run
// against baselines measured in the same run (the bridge floor, a direct
// Invoke of the app's function, a plain plugin command). It prints a table
// and fails only when a request fails, never on timing. Run it with
// `make bench-e2e` (BENCH_SAMPLES, BENCH_LOAD_SECONDS, BENCH_CONCURRENCY).
func TestBenchThroughServer(t *testing.T) {
	installHello(t)
	s := getStack(t)
	b := newBench(t, s)
	samples := envInt("BENCH_SAMPLES", 400)

	lat := map[string][]time.Duration{}
	paths := []benchPath{
		{"bridge floor (POST /api/v1/ping)", func(int) error { return b.plugin(http.MethodPost, "/api/v1/ping", map[string]any{}) }},
		{"direct Invoke", func(int) error { return b.invoke() }},
		{"POST /api/v1/call", func(int) error { return b.call() }},
		{"plain plugin command (/apps help)", func(int) error { return b.execute("/apps help") }},
		{"app command (/hello greet, until the ephemeral answer)", b.appCommand},
		{"GET /bindings, 1 app, cached", func(int) error { return b.bindings(s.channelID) }},
	}
	cold1 := b.channels(t, samples/4+5)
	paths = append(paths, benchPath{"GET /bindings, 1 app, cold", func(i int) error { return b.bindings(cold1[i%len(cold1)]) }})
	b.interleave(t, samples, paths, lat, map[string]int{"GET /bindings, 1 app, cold": len(cold1) - 5})

	// Nineteen more apps (copies of the sample under other IDs).
	b.deployCopies(t, 19)
	cold20 := b.channels(t, samples/4+5)
	paths20 := []benchPath{
		{"GET /bindings, 20 apps, cached", func(int) error { return b.bindings(s.channelID) }},
		{"GET /bindings, 20 apps, cold", func(i int) error { return b.bindings(cold20[i%len(cold20)]) }},
	}
	b.interleave(t, samples, paths20, lat, map[string]int{"GET /bindings, 20 apps, cold": len(cold20) - 5})
	b.uninstallCopies(t, 19)

	load := b.throughput(t)

	// Apps whose bindings wait on their own service (the network, not this
	// machine's 2 cores, which the sample's 20 function processes share):
	// one alone, then twenty, the sample app disabled meanwhile.
	b.lifecycle(t, "disable", helloID)
	b.deployWaiting(t, 1, 1)
	coldW1 := b.channels(t, samples/8+5)
	paths1 := []benchPath{{waiting1, func(i int) error { return b.bindings(coldW1[i%len(coldW1)]) }}}
	b.interleave(t, len(coldW1), paths1, lat, map[string]int{waiting1: len(coldW1) - 5})
	b.deployWaiting(t, 2, 20)
	coldW20 := b.channels(t, samples/8+5)
	paths20w := []benchPath{{waiting20, func(i int) error { return b.bindings(coldW20[i%len(coldW20)]) }}}
	b.interleave(t, len(coldW20), paths20w, lat, map[string]int{waiting20: len(coldW20) - 5})
	b.uninstallWaiting(t, 20)
	b.lifecycle(t, "enable", helloID)

	printBenchReport(lat, load)
}

// bindingsWaitMS is how long the waiting copies' bindings call waits.
const bindingsWaitMS = 50

var (
	waiting1  = fmt.Sprintf("GET /bindings, 1 app waiting %d ms, cold", bindingsWaitMS)
	waiting20 = fmt.Sprintf("GET /bindings, 20 apps waiting %d ms, cold", bindingsWaitMS)
)

// benchPath is one measured path: run makes its i-th request.
type benchPath struct {
	name string
	run  func(i int) error
}

type bench struct {
	// steps is the plugin's Server-Timing of the last answer (nil: none).
	steps    map[string]time.Duration
	s        *stack
	http     *http.Client
	inv      *lambdainvoke.Client
	function string
	direct   []byte
	ws       *events
	t        *testing.T
}

func newBench(t *testing.T, s *stack) *bench {
	clients := awsclient.New(awsclient.Options{
		Credentials: awsclient.Credentials{AccessKeyID: mustEnv(t, "MM_APPS_AWS_ACCESS_KEY"), SecretAccessKey: mustEnv(t, "MM_APPS_AWS_SECRET_KEY")},
		Region:      mustEnv(t, "MM_APPS_AWS_REGION"),
		Endpoints:   awsclient.EndpointsFromEnv(os.Getenv),
	})
	fn, err := awsnames.LambdaName(helloID, "0.1.0", "hello")
	require.NoError(t, err)
	direct, err := json.Marshal(map[string]any{"path": "/greet", "expand": map[string]string{"acting_user": "summary"},
		"context": map[string]any{"app_id": helloID, "channel_id": s.channelID, "team_id": s.teamID,
			"mattermost_site_url": s.url, "acting_user": map[string]string{"id": "u", "username": "bench"}}})
	require.NoError(t, err)
	return &bench{
		s: s, t: t, function: fn, direct: direct,
		http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 128}},
		inv:  lambdainvoke.New(clients.Lambda(lambdainvoke.ClientOptions), lambdainvoke.Options{}),
		ws:   s.listen(t, s.userToken),
	}
}

func envInt(k string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(k)); err == nil && v > 0 {
		return v
	}
	return def
}

// do sends one request as the regular user and checks it succeeded.
func (b *bench) do(method, url string, body any, headers ...string) error {
	var rd *strings.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = strings.NewReader(string(raw))
	} else {
		rd = strings.NewReader("")
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+b.s.userToken)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := b.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b.steps = nil
	if h := resp.Header.Get(timing.HeaderName); h != "" {
		b.steps = timing.Parse(h)
	}
	// Read, not decoded: Go's JSON decoder would add its own time, growing
	// with the answer (46 KB of bindings for 20 apps), to what is measured.
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: read the answer: %w", method, url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, out)
	}
	if strings.Contains(string(out), `"type":"error"`) {
		return fmt.Errorf("%s %s: %s", method, url, out)
	}
	return nil
}

func (b *bench) plugin(method, path string, body any) error {
	return b.do(method, b.s.url+"/plugins/"+pluginID+path, body, "X-Requested-With", "XMLHttpRequest")
}

func (b *bench) invoke() error {
	_, err := b.inv.Call(context.Background(), b.function, "/greet", b.direct)
	return err
}

func (b *bench) call() error {
	return b.plugin(http.MethodPost, "/api/v1/call", map[string]any{"path": "/greet", "expand": map[string]string{"acting_user": "summary"},
		"context": map[string]string{"app_id": helloID, "channel_id": b.s.channelID, "team_id": b.s.teamID}})
}

func (b *bench) execute(line string) error {
	return b.do(http.MethodPost, b.s.url+"/api/v4/commands/execute", map[string]string{"channel_id": b.s.channelID, "team_id": b.s.teamID, "command": line})
}

// appCommand runs an app command and waits for its ephemeral answer on the
// websocket, as a user sees it.
func (b *bench) appCommand(i int) error {
	name := fmt.Sprintf("bench%d", i)
	if err := b.execute("/hello greet " + name); err != nil {
		return err
	}
	want := "Hello, " + name + "!"
	timeout := time.After(30 * time.Second)
	for {
		select {
		case ev := <-b.ws.ws.EventChannel:
			if ev == nil || string(ev.EventType()) != string(model.WebsocketEventEphemeralMessage) {
				continue
			}
			raw, _ := ev.GetData()["post"].(string)
			if strings.Contains(raw, want) {
				return nil
			}
		case <-timeout:
			return fmt.Errorf("no ephemeral answer %q within 30 s", want)
		}
	}
}

func (b *bench) bindings(channelID string) error {
	return b.plugin(http.MethodGet, "/api/v1/bindings?channel_id="+channelID+"&team_id="+b.s.teamID, nil)
}

// channels creates n public channels the user is in: a bindings request
// for a channel not asked about before misses every cache.
func (b *bench) channels(t *testing.T, n int) []string {
	out := make([]string, n)
	c := b.s.client(b.s.userToken)
	for i := range out {
		ch, _, err := c.CreateChannel(context.Background(), &model.Channel{TeamId: b.s.teamID, Type: model.ChannelTypeOpen,
			Name: "bench-" + model.NewId()[:10], DisplayName: "Bench " + strconv.Itoa(i)})
		require.NoError(t, err)
		out[i] = ch.Id
	}
	return out
}

// interleave runs every path once per round, rounds times (after 20 warm-up
// rounds), so that all paths see the same machine. once limits paths that
// cannot repeat (cold bindings: one channel each).
//
// The plugin's steps of each answer that reports them (Server-Timing) are
// kept in lat under "<path> ▸ <step>", and the time outside the plugin's
// handler (the server, the bridge to the plugin, the client) under
// "<path> ▸ outside the plugin".
func (b *bench) interleave(t *testing.T, rounds int, paths []benchPath, lat map[string][]time.Duration, once map[string]int) {
	const warmup = 20
	for i := 0; i < rounds+warmup; i++ {
		for _, p := range paths {
			if n, ok := once[p.name]; ok && i >= n {
				continue
			}
			b.steps = nil
			t0 := time.Now()
			require.NoError(t, p.run(i), p.name)
			if d := time.Since(t0); i >= warmup || once[p.name] > 0 && i >= 5 {
				lat[p.name] = append(lat[p.name], d)
				for step, took := range b.steps {
					lat[p.name+stepSep+step] = append(lat[p.name+stepSep+step], took)
				}
				if plugin, ok := b.steps["plugin"]; ok {
					lat[p.name+stepSep+"outside the plugin"] = append(lat[p.name+stepSep+"outside the plugin"], d-plugin)
				}
			}
		}
	}
}

const stepSep = " ▸ "

func quantile(d []time.Duration, q float64) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s) == 0 {
		return 0
	}
	return s[int(float64(len(s)-1)*q)]
}

func msf(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

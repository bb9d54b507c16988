//go:build e2e && benche2e

package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func copyID(i int) string { return fmt.Sprintf("%s-%02d", helloID, i) }

// deployCopies deploys and installs n copies of the sample app under other
// IDs, for the many-apps measurements.
func (b *bench) deployCopies(t *testing.T, n int) {
	for i := 1; i <= n; i++ {
		deployHelloAs(t, copyID(i), fmt.Sprintf("Hello copy %d", i))
	}
}

func (b *bench) uninstallCopies(t *testing.T, n int) {
	for i := 1; i <= n; i++ {
		b.lifecycle(t, "uninstall", copyID(i))
	}
}

func waitingID(i int) string { return fmt.Sprintf("%s-w%02d", helloID, i) }

// deployWaiting deploys and installs copies from..to of the sample app whose
// bindings call waits bindingsWaitMS first (its state, see examples/hello).
func (b *bench) deployWaiting(t *testing.T, from, to int) {
	for i := from; i <= to; i++ {
		deployHelloAs(t, waitingID(i), fmt.Sprintf("Hello waiting %d", i), func(m map[string]any) {
			m["bindings"] = map[string]any{"path": "/bindings", "state": map[string]any{"wait_ms": bindingsWaitMS}}
		})
	}
}

func (b *bench) uninstallWaiting(t *testing.T, n int) {
	for i := 1; i <= n; i++ {
		b.lifecycle(t, "uninstall", waitingID(i))
	}
}

// lifecycle runs an admin lifecycle step (install, uninstall, enable,
// disable) of an app.
func (b *bench) lifecycle(t *testing.T, step, appID string) {
	code, _, out := b.s.pluginDo(t, b.s.adminToken, http.MethodPost, "/api/v1/"+step+"-app", map[string]string{"app_id": appID})
	require.Equal(t, http.StatusOK, code, "%s %s: %s", step, appID, out)
}

// loadResult is one path under concurrent load.
type loadResult struct {
	// cpu is the CPU time each program on the machine used per request
	// (the e2e stack is alone on it: the server, the plugin, PostgreSQL,
	// lambda-local and the functions, moto, and this test).
	cpu       map[string]time.Duration
	name      string
	rate      float64 // successful requests per second
	p50, p99  time.Duration
	errors    int64
	firstErr  string
	n         int
	statsFrom processStats
	statsTo   processStats
}

// processStats describes the plugin process.
type processStats struct {
	goroutines int
	// connGoroutines are the goroutines of idle keep-alive HTTP
	// connections (two each: net/http's persistConn read and write
	// loops): they stay after a load, for the next one, and close after
	// the transport's idle timeout.
	connGoroutines int
	heapInuse      uint64
	rssKB          uint64
}

// others is the goroutines that are not idle connections': a leak shows
// there.
func (p processStats) others() int { return p.goroutines - p.connGoroutines }

// throughput drives each path with BENCH_CONCURRENCY callers (64) for
// BENCH_LOAD_SECONDS (20), one path after the other, and records the
// plugin process before and after each.
func (b *bench) throughput(t *testing.T) []loadResult {
	conc := envInt("BENCH_CONCURRENCY", 64)
	secs := envInt("BENCH_LOAD_SECONDS", 20)
	paths := []struct {
		name string
		run  func() error
	}{
		{"no-op plugin route (POST /api/v1/ping)", func() error { return b.plugin(http.MethodPost, "/api/v1/ping", map[string]any{}) }},
		{"direct Invoke", b.invoke},
		{"POST /api/v1/call", b.call},
		// The same again: idle keep-alive connections (two goroutines
		// each) stay after a run; a leak would grow again.
		{"POST /api/v1/call (again)", b.call},
	}
	var out []loadResult
	for _, p := range paths {
		res := loadResult{name: p.name, statsFrom: b.stats(t)}
		cpu0 := cpuByProgram()
		var mu sync.Mutex
		var lat []time.Duration
		var errs atomic.Int64
		var first atomic.Value
		deadline := time.Now().Add(time.Duration(secs) * time.Second)
		var wg sync.WaitGroup
		start := time.Now()
		for range conc {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var mine []time.Duration
				for time.Now().Before(deadline) {
					t0 := time.Now()
					if err := p.run(); err != nil {
						errs.Add(1)
						first.CompareAndSwap(nil, err.Error())
						continue
					}
					mine = append(mine, time.Since(t0))
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			}()
		}
		wg.Wait()
		elapsed := time.Since(start)
		res.n, res.errors = len(lat), errs.Load()
		res.cpu = perRequest(cpu0, cpuByProgram(), res.n)
		if v := first.Load(); v != nil {
			res.firstErr = v.(string)
		}
		res.rate = float64(len(lat)) / elapsed.Seconds()
		res.p50, res.p99 = quantile(lat, 0.5), quantile(lat, 0.99)
		time.Sleep(2 * time.Second) // let the plugin settle before looking at it again
		res.statsTo = b.stats(t)
		out = append(out, res)
		require.Zero(t, res.errors, "%s under load: %d errors, first: %s", p.name, res.errors, res.firstErr)
	}
	return out
}

var (
	totalRe     = regexp.MustCompile(`goroutine profile: total (\d+)`)
	heapInuseRe = regexp.MustCompile(`# HeapInuse = (\d+)`)
)

// stats reads the plugin process: goroutines and heap in use (after a GC)
// from its pprof routes, resident memory from /proc.
func (b *bench) stats(t *testing.T) processStats {
	var st processStats
	code, body := b.s.pluginGET(t, b.s.adminToken, "/api/v1/debug/pprof/goroutine?debug=1")
	require.Equal(t, http.StatusOK, code, "%s", body)
	if m := totalRe.FindSubmatch(body); m != nil {
		st.goroutines, _ = strconv.Atoi(string(m[1]))
	}
	st.connGoroutines = connGoroutines(body)
	code, body = b.s.pluginGET(t, b.s.adminToken, "/api/v1/debug/pprof/heap?gc=1&debug=1")
	require.Equal(t, http.StatusOK, code, "%s", body)
	if m := heapInuseRe.FindSubmatch(body); m != nil {
		st.heapInuse, _ = strconv.ParseUint(string(m[1]), 10, 64)
	}
	st.rssKB = pluginRSS()
	return st
}

// cpuByProgram reads the CPU time (user and system) every process on the
// machine has used, summed by program name (/proc/<pid>/stat).
func cpuByProgram() map[string]time.Duration {
	out := map[string]time.Duration{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range stats {
		raw, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		s := string(raw)
		open, closing := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || closing < open {
			continue
		}
		fields := strings.Fields(s[closing+1:])
		if len(fields) < 13 {
			continue
		}
		utime, _ := strconv.ParseInt(fields[11], 10, 64)
		stime, _ := strconv.ParseInt(fields[12], 10, 64)
		out[s[open+1:closing]] += time.Duration(utime+stime) * time.Second / clockTicks
	}
	return out
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times (100 on Linux).
const clockTicks = 100

// perRequest is the CPU each program used between from and to, per
// request, for the programs that used at least 20 µs per request.
func perRequest(from, to map[string]time.Duration, requests int) map[string]time.Duration {
	out := map[string]time.Duration{}
	if requests == 0 {
		return out
	}
	for name, d := range to {
		if per := (d - from[name]) / time.Duration(requests); per >= 20*time.Microsecond {
			out[name] = per
		}
	}
	return out
}

// cpuLine prints the programs' CPU per request, largest first.
func cpuLine(cpu map[string]time.Duration) string {
	names := make([]string, 0, len(cpu))
	var total time.Duration
	for n, d := range cpu {
		names = append(names, n)
		total += d
	}
	sort.Slice(names, func(i, j int) bool { return cpu[names[i]] > cpu[names[j]] })
	parts := make([]string, 0, len(names))
	for _, n := range names {
		parts = append(parts, fmt.Sprintf("%s %d", n, cpu[n].Microseconds()))
	}
	return fmt.Sprintf("%d µs (%s)", total.Microseconds(), strings.Join(parts, ", "))
}

// connGoroutines counts the goroutines of net/http's connections in a
// goroutine profile (debug=1: groups of "N @ ..." with their frames).
func connGoroutines(profile []byte) int {
	n, group := 0, 0
	inConn := false
	flush := func() {
		if inConn {
			n += group
		}
		group, inConn = 0, false
	}
	for _, line := range strings.Split(string(profile), "\n") {
		if count, rest, ok := strings.Cut(line, " @ "); ok && rest != "" {
			flush()
			group, _ = strconv.Atoi(count)
			continue
		}
		if strings.Contains(line, "net/http.(*persistConn)") {
			inConn = true
		}
	}
	flush()
	return n
}

// pluginRSS finds the plugin's process by its executable and reads VmRSS.
func pluginRSS() uint64 {
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		cmd, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(cmd, []byte("plugins/"+pluginID+"/server/dist/plugin-linux")) {
			continue
		}
		f, err := os.Open(filepath.Join(filepath.Dir(p), "status"))
		if err != nil {
			continue
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
				kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
				return kb
			}
		}
	}
	return 0
}

func printBenchReport(lat map[string][]time.Duration, load []loadResult) {
	med := func(k string) time.Duration { return quantile(lat[k], 0.5) }
	fmt.Println("\nThrough the real server (loopback; medians and p99 of interleaved samples):")
	keys := []string{
		"bridge floor (POST /api/v1/ping)", "direct Invoke", "POST /api/v1/call",
		"plain plugin command (/apps help)", "app command (/hello greet, until the ephemeral answer)",
		"GET /bindings, 1 app, cached", "GET /bindings, 1 app, cold", "GET /bindings, 20 apps, cached", "GET /bindings, 20 apps, cold",
	}
	keys = append(keys, waiting1, waiting20)
	for _, k := range keys {
		fmt.Printf("  %-58s median %9s  p99 %9s  (n=%d)\n", k, msf(med(k)), msf(quantile(lat[k], 0.99)), len(lat[k]))
	}
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "MISSED"
	}
	callCost := med("POST /api/v1/call") - med("bridge floor (POST /api/v1/ping)") - med("direct Invoke")
	cmdCost := med("app command (/hello greet, until the ephemeral answer)") - med("plain plugin command (/apps help)") - med("direct Invoke")
	ratio := float64(med("GET /bindings, 20 apps, cold")) / float64(med("GET /bindings, 1 app, cold"))
	cachedRatio := float64(med("GET /bindings, 20 apps, cached")) / float64(med("GET /bindings, 1 app, cached"))
	waitRatio := float64(med(waiting20)) / float64(med(waiting1))
	fmt.Println("\nInside the plugin (its Server-Timing steps, medians), and outside its handler:")
	for _, k := range []string{"POST /api/v1/call", "GET /bindings, 1 app, cached", "GET /bindings, 1 app, cold", "GET /bindings, 20 apps, cached", "GET /bindings, 20 apps, cold", waiting1, waiting20} {
		var parts []string
		for _, step := range []string{"read", "verify", "expand", "invoke", "apps", "answer", "plugin", "outside the plugin"} {
			if d := lat[k+stepSep+step]; len(d) > 0 {
				parts = append(parts, fmt.Sprintf("%s %s", step, msf(quantile(d, 0.5))))
			}
		}
		if len(parts) > 0 {
			fmt.Printf("  %-42s %s\n", k, strings.Join(parts, ", "))
		}
	}
	fmt.Println("\nDerived (targets from issue 14):")
	fmt.Printf("  app call beyond bridge floor + function:            %9s  (target ≤ 1 ms: %s)\n", msf(callCost), verdict(callCost <= time.Millisecond))
	fmt.Printf("  app command beyond plain plugin command + function: %9s  (target ≤ 2 ms: %s)\n", msf(cmdCost), verdict(cmdCost <= 2*time.Millisecond))
	fmt.Printf("  bindings, 20 apps / 1 app, cached:                  %9.2fx  (target ≤ 1.5x: %s)\n", cachedRatio, verdict(cachedRatio <= 1.5))
	fmt.Printf("  bindings, 20 apps / 1 app, cold, waiting %d ms:     %9.2fx  (target ≤ 1.5x: %s)\n", bindingsWaitMS, waitRatio, verdict(waitRatio <= 1.5))
	fmt.Printf("  bindings, 20 apps / 1 app, cold, the sample's CPU:  %9.2fx  (target ≤ 1.5x: %s; 20 processes share 2 cores)\n", ratio, verdict(ratio <= 1.5))
	if len(load) == 0 {
		return
	}
	fmt.Println("\nUnder load (concurrent callers, one path at a time):")
	ceiling := 0.0
	for _, r := range load {
		fmt.Printf("  %-42s %8.0f/s  p50 %9s  p99 %9s  errors %d  plugin goroutines %d→%d, heap in use %.1f→%.1f MiB, RSS %.1f→%.1f MiB\n",
			r.name, r.rate, msf(r.p50), msf(r.p99), r.errors, r.statsFrom.goroutines, r.statsTo.goroutines,
			float64(r.statsFrom.heapInuse)/(1<<20), float64(r.statsTo.heapInuse)/(1<<20),
			float64(r.statsFrom.rssKB)/1024, float64(r.statsTo.rssKB)/1024)
		if !strings.HasPrefix(r.name, "POST /api/v1/call") && (ceiling == 0 || r.rate < ceiling) {
			ceiling = r.rate
		}
	}
	fmt.Println("  CPU per request, by program (µs):")
	for _, r := range load {
		fmt.Printf("    %-40s %s\n", r.name, cpuLine(r.cpu))
	}
	call, again := load[len(load)-2], load[len(load)-1]
	fmt.Printf("  /call throughput / ceiling (slower of no-op route and direct Invoke): %.0f%% (target ≥ 80%%: %s)\n",
		100*call.rate/ceiling, verdict(call.rate >= 0.8*ceiling))
	// A /call is a plugin route and an Invoke; with all of them on the
	// same cores, doing both with no cost of its own would serve
	// 1/(1/route + 1/invoke).
	if len(load) >= 4 && load[0].rate > 0 && load[1].rate > 0 {
		bound := 1 / (1/load[0].rate + 1/load[1].rate)
		fmt.Printf("  a /call that cost nothing beyond a route and an Invoke on the same cores: %.0f/s = %.0f%% of the ceiling; /call reaches %.0f%% of that\n",
			bound, 100*bound/ceiling, 100*max(call.rate, again.rate)/bound)
	}
	grew := again.statsTo.others() - call.statsTo.others()
	fmt.Printf("  plugin goroutines after the first and the second /call run: %d, %d, of which idle HTTP connections' %d, %d;\n"+
		"    the others %d, %d (no leak: %s); heap in use %.1f, %.1f MiB\n",
		call.statsTo.goroutines, again.statsTo.goroutines, call.statsTo.connGoroutines, again.statsTo.connGoroutines,
		call.statsTo.others(), again.statsTo.others(), verdict(grew <= 4),
		float64(call.statsTo.heapInuse)/(1<<20), float64(again.statsTo.heapInuse)/(1<<20))
}

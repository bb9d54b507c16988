package callstats

import (
	"bufio"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/server/appcall"
)

// sample is one parsed line of the text format.
type sample struct {
	name   string
	labels map[string]string
	value  float64
}

// parseExposition is a small parser of the Prometheus text format: HELP and
// TYPE lines, then samples whose family was typed, with escaped label values.
func parseExposition(text string) (map[string]string, []sample, error) {
	types := map[string]string{}
	var out []sample
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "# HELP ") {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name, typ, _ := strings.Cut(rest, " ")
			types[name] = typ
			continue
		}
		s, err := parseSample(line)
		if err != nil {
			return nil, nil, fmt.Errorf("%q: %w", line, err)
		}
		family := s.name
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if base, ok := strings.CutSuffix(s.name, suffix); ok && types[base] == "histogram" {
				family = base
			}
		}
		if types[family] == "" {
			return nil, nil, fmt.Errorf("%q: no TYPE line before it", line)
		}
		out = append(out, s)
	}
	return types, out, sc.Err()
}

func parseSample(line string) (sample, error) {
	s := sample{labels: map[string]string{}}
	i := strings.IndexAny(line, "{ ")
	if i <= 0 {
		return s, errors.New("no metric name")
	}
	s.name = line[:i]
	rest := line[i:]
	if strings.HasPrefix(rest, "{") {
		rest = rest[1:]
		for !strings.HasPrefix(rest, "}") {
			name, after, ok := strings.Cut(rest, `="`)
			if !ok {
				return s, errors.New("bad label")
			}
			var v strings.Builder
			j := 0
			for ; j < len(after) && after[j] != '"'; j++ {
				if after[j] == '\\' {
					j++
					switch after[j] {
					case 'n':
						v.WriteByte('\n')
					case '\\', '"':
						v.WriteByte(after[j])
					default:
						return s, errors.New("bad escape")
					}
					continue
				}
				if after[j] == '\n' {
					return s, errors.New("raw line feed")
				}
				v.WriteByte(after[j])
			}
			if j == len(after) {
				return s, errors.New("unterminated label value")
			}
			s.labels[name] = v.String()
			rest = strings.TrimPrefix(after[j+1:], ",")
		}
		rest = rest[1:]
	}
	v, err := strconv.ParseFloat(strings.TrimPrefix(rest, " "), 64)
	s.value = v
	return s, err
}

func find(samples []sample, name string, labels map[string]string) (float64, bool) {
	for _, s := range samples {
		if s.name != name || len(s.labels) != len(labels) {
			continue
		}
		match := true
		for k, v := range labels {
			match = match && s.labels[k] == v
		}
		if match {
			return s.value, true
		}
	}
	return 0, false
}

func TestWritePrometheus(t *testing.T) {
	c := newClock()
	s := New(Options{Now: c.now})
	weird := "/a\"b\\c\nd"
	s.Record("hello", "/greet", appcall.OutcomeOK, 3*time.Millisecond)
	s.Record("hello", "/greet", appcall.OutcomeOK, 1500*time.Millisecond)
	s.Record("hello", "/greet", appcall.OutcomeAppError, 100*time.Second)
	s.Record("hello", weird, appcall.OutcomeTimeout, 500*time.Microsecond)
	s.Record("other.app", "/x", appcall.OutcomeThrottled, time.Millisecond)

	var b strings.Builder
	require.NoError(t, s.WritePrometheus(&b))
	types, samples, err := parseExposition(b.String())
	require.NoError(t, err, b.String())
	assert.Equal(t, map[string]string{MetricCalls: "counter", MetricDuration: "histogram", MetricStarted: "gauge"}, types)

	started, ok := find(samples, MetricStarted, nil)
	require.True(t, ok)
	assert.InDelta(t, float64(c.now().Unix()), started, 1e-3)

	calls := []struct {
		app, path, outcome string
		want               float64
	}{
		{"hello", "/greet", "ok", 2},
		{"hello", "/greet", "app_error", 1},
		{"hello", weird, "timeout", 1},
		{"other.app", "/x", "throttled", 1},
	}
	for _, tt := range calls {
		got, ok := find(samples, MetricCalls, map[string]string{"app_id": tt.app, "path": tt.path, "outcome": tt.outcome})
		assert.True(t, ok, "%+v", tt)
		assert.Equal(t, tt.want, got, "%+v", tt)
	}
	_, ok = find(samples, MetricCalls, map[string]string{"app_id": "hello", "path": "/greet", "outcome": "timeout"})
	assert.False(t, ok, "outcomes never seen are left out")

	greet := map[string]string{"app_id": "hello", "path": "/greet"}
	buckets := []struct {
		le   string
		want float64
	}{
		{"0.001", 0}, {"0.002", 0}, {"0.004", 1}, {"1.024", 1}, {"2.048", 2}, {"65.536", 2}, {"+Inf", 3},
	}
	for _, tt := range buckets {
		got, ok := find(samples, MetricDuration+"_bucket", map[string]string{"app_id": "hello", "path": "/greet", "le": tt.le})
		assert.True(t, ok, tt.le)
		assert.Equal(t, tt.want, got, tt.le)
	}
	count, _ := find(samples, MetricDuration+"_count", greet)
	assert.Equal(t, float64(3), count)
	sum, _ := find(samples, MetricDuration+"_sum", greet)
	assert.InDelta(t, 101.503, sum, 1e-9)

	// Buckets are cumulative and end with +Inf = _count, for every series.
	last := map[string]float64{}
	nBuckets := map[string]int{}
	for _, smp := range samples {
		if smp.name != MetricDuration+"_bucket" {
			continue
		}
		key := smp.labels["app_id"] + " " + smp.labels["path"]
		assert.GreaterOrEqual(t, smp.value, last[key], key)
		last[key] = smp.value
		nBuckets[key]++
		if smp.labels["le"] == "+Inf" {
			c, _ := find(samples, MetricDuration+"_count", map[string]string{"app_id": smp.labels["app_id"], "path": smp.labels["path"]})
			assert.Equal(t, c, smp.value, key)
		}
	}
	assert.Equal(t, map[string]int{"hello /greet": 18, "hello " + weird: 18, "other.app /x": 18}, nBuckets)
}

func TestWritePrometheusEmpty(t *testing.T) {
	var b strings.Builder
	require.NoError(t, New(Options{}).WritePrometheus(&b))
	types, samples, err := parseExposition(b.String())
	require.NoError(t, err)
	assert.Len(t, types, 3)
	require.Len(t, samples, 1)
	assert.Equal(t, MetricStarted, samples[0].name)
}

func TestEscapeLabel(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/plain", "/plain"},
		{`a"b`, `a\"b`},
		{`a\b`, `a\\b`},
		{"a\nb", `a\nb`},
		{`\"` + "\n", `\\\"\n`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, escapeLabel(tt.in), tt.in)
	}
}

func TestMarkdown(t *testing.T) {
	c := newClock()
	s := New(Options{Now: c.now})
	none, _ := s.App("hello")
	assert.Contains(t, none.Markdown(), "No calls yet.")
	s.Record("hello", "/greet", appcall.OutcomeOK, 3*time.Millisecond)
	s.Record("hello", "/greet", appcall.OutcomeAppError, 20*time.Millisecond)
	s.Record("hello", "/a|b", appcall.OutcomeTimeout, 30*time.Second)
	c.advance(2 * time.Hour)
	s.Record("hello", "/greet", appcall.OutcomeOK, 5*time.Millisecond)
	a, _ := s.App("hello")
	md := a.Markdown()
	for _, want := range []string{
		"#### Calls to hello",
		"since 2026-11-30T12:00:00Z",
		"| Calls | 1 | 4 |",
		"| Errors | 0 | 2 |",
		"| Errors: `app_error` | 0 | 1 |",
		"| Errors: `timeout` | 0 | 1 |",
		"| p50 | 5.00 ms | 5.66 ms |",
		"| p99 | 5.00 ms | 30.00 s |",
		"| `/a\\|b` | 0 | 0 | – / – | 1 | 1 | 30.00 s / 30.00 s |",
		"| `/greet` | 1 | 0 | 5.00 ms / 5.00 ms | 3 | 1 | 5.66 ms / 20 ms |",
	} {
		assert.Contains(t, md, want)
	}
	assert.NotContains(t, md, "`ok`")
}

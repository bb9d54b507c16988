package awslogs

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/appsctl/applist"
	"github.com/lambda-apps/lambda-apps/appsctl/report"
)

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in      string
		want    time.Time
		wantErr string
		noHelp  bool // the error need not repeat what is accepted
	}{
		{in: "15m", want: now.Add(-15 * time.Minute)},
		{in: "1h", want: now.Add(-time.Hour)},
		{in: " 1h30m ", want: now.Add(-90 * time.Minute)},
		{in: "2d", want: now.Add(-48 * time.Hour)},
		{in: "1d12h", want: now.Add(-36 * time.Hour)},
		{in: "2026-11-30T08:00:00Z", want: time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)},
		{in: "2026-11-30T09:00:00+01:00", want: time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)},
		{in: "2026-11-30T08:00:00.5Z", want: time.Date(2026, 11, 30, 8, 0, 0, 5e8, time.UTC)},
		{in: "", wantErr: "--since is empty"},
		{in: "0m", wantErr: "must be positive"},
		{in: "-1h", wantErr: "must be positive"},
		{in: "0d", wantErr: "must be positive"},
		{in: "1.5d", wantErr: "days must be a whole number"},
		{in: "yesterday", wantErr: "not a duration"},
		{in: "3x", wantErr: "not a duration"},
		{in: "2026-11-30", wantErr: "neither a duration nor an RFC 3339 time"},
		{in: "2026-11-30T13:00:00Z", wantErr: "is in the future (now is 2026-11-30T12:00:00Z)", noHelp: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSince(tt.in, now)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				if !tt.noHelp {
					assert.Contains(t, err.Error(), "15m, 1h or 2d", "the error says what is accepted")
				}
				return
			}
			require.NoError(t, err)
			assert.True(t, tt.want.Equal(got), "got %s, want %s", got, tt.want)
		})
	}
}

func entry(appID, version string, functions ...string) applist.Entry {
	m := &apps.Manifest{AppID: apps.AppID(appID), Version: apps.AppVersion(version)}
	if functions != nil {
		m.AWSLambda = &apps.AWSLambda{}
		for _, fn := range functions {
			m.AWSLambda.Functions = append(m.AWSLambda.Functions, apps.AWSLambdaFunction{Name: fn})
		}
	}
	return applist.Entry{AppID: appID, Version: version, Manifest: m}
}

func TestSourcesOf(t *testing.T) {
	tests := []struct {
		name     string
		entries  []applist.Entry
		function string
		want     []string // Label=LogGroup
		wantErr  string
	}{
		{name: "one version: labels are function names",
			entries: []applist.Entry{entry("com.acme.hello", "0.1.0", "main", "my fn")},
			want:    []string{"main=/aws/lambda/com-acme-hello_0-1-0_main", "my-fn=/aws/lambda/com-acme-hello_0-1-0_my-fn"}},
		{name: "several versions: labels name the version",
			entries: []applist.Entry{entry("hello", "0.1.0", "main"), entry("hello", "0.2.0", "main")},
			want:    []string{"0.1.0/main=/aws/lambda/hello_0-1-0_main", "0.2.0/main=/aws/lambda/hello_0-2-0_main"}},
		{name: "--function keeps one",
			entries: []applist.Entry{entry("hello", "0.1.0", "main", "js")}, function: "js",
			want: []string{"js=/aws/lambda/hello_0-1-0_js"}},
		{name: "versions that share a Lambda name are read once",
			entries: []applist.Entry{entry("hello", "1.0", "main"), entry("hello", "1-0", "main")},
			want:    []string{"main=/aws/lambda/hello_1-0_main"}},
		{name: "unknown --function names the functions",
			entries: []applist.Entry{entry("hello", "0.1.0", "main", "js")}, function: "nope",
			wantErr: `app "hello" has no function "nope": its functions are js, main`},
		{name: "no Lambda functions",
			entries: []applist.Entry{entry("hello", "0.1.0")},
			wantErr: `app "hello" has no Lambda functions`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := sourcesOf(tt.entries, tt.function)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			var labels []string
			for _, s := range got {
				labels = append(labels, s.Label+"="+s.LogGroup())
			}
			assert.Equal(t, tt.want, labels)
		})
	}
}

// twoSources are the functions the fake's tests read.
func twoSources() []Source {
	return []Source{
		{AppID: "hello", Version: "1", Function: "main", Lambda: "hello_1_main", Label: "main"},
		{AppID: "hello", Version: "1", Function: "js", Lambda: "hello_1_js", Label: "js"},
	}
}

// ms is a time in Unix milliseconds near a fixed base.
func ms(offset int64) int64 { return base.UnixMilli() + offset }

var base = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

func newPrinter(out, errOut *bytes.Buffer) *report.Printer {
	return report.New(out, errOut, report.Options{Redact: func(s string) string { return strings.ReplaceAll(s, "s3cret", "********") }})
}

func TestRunMergesPagesAndGroupsByTime(t *testing.T) {
	fake, api := newFakeLogs(t)
	fake.add("/aws/lambda/hello_1_main",
		fakeEvent{ID: "m1", Time: ms(0), Message: "START RequestId: a\n"},
		fakeEvent{ID: "m2", Time: ms(30), Message: "token=s3cret\n"},
		fakeEvent{ID: "m3", Time: ms(50), Message: "END RequestId: a\n"},
		fakeEvent{ID: "old", Time: ms(-5000), Message: "before --since\n"})
	fake.add("/aws/lambda/hello_1_js",
		fakeEvent{ID: "j1", Time: ms(10), Message: "js one\n"},
		fakeEvent{ID: "j2", Time: ms(30), Message: "js two\r\n"},
		fakeEvent{ID: "j3", Time: ms(40), Message: "line one\nline two\n"})
	var out, errOut bytes.Buffer
	err := Run(context.Background(), api, twoSources(), &out, newPrinter(&out, &errOut), Options{Since: base})
	require.NoError(t, err)
	assert.Equal(t, ""+
		"2026-11-30T10:00:00.000Z main START RequestId: a\n"+
		"2026-11-30T10:00:00.010Z js js one\n"+
		"2026-11-30T10:00:00.030Z main token=********\n"+
		"2026-11-30T10:00:00.030Z js js two\n"+
		"2026-11-30T10:00:00.040Z js line one\nline two\n"+
		"2026-11-30T10:00:00.050Z main END RequestId: a\n", out.String())
	assert.Empty(t, errOut.String())
	assert.Equal(t, 2, fake.count("/aws/lambda/hello_1_main"), "3 events in pages of 2")
}

func TestRunMissingGroupIsANote(t *testing.T) {
	fake, api := newFakeLogs(t)
	fake.add("/aws/lambda/hello_1_js", fakeEvent{ID: "j1", Time: ms(10), Message: "js one\n"})
	var out, errOut bytes.Buffer
	err := Run(context.Background(), api, twoSources(), &out, newPrinter(&out, &errOut), Options{Since: base})
	require.NoError(t, err)
	assert.Equal(t, "No logs yet for function main (log group /aws/lambda/hello_1_main does not exist: "+
		"it has not run since it was deployed, or its logs were deleted).\n"+
		"2026-11-30T10:00:00.010Z js js one\n", out.String())

	out.Reset()
	err = Run(context.Background(), api, twoSources()[:1], &out, newPrinter(&out, &errOut), Options{Since: base})
	require.NoError(t, err)
	assert.Contains(t, out.String(), "No logs yet for function main")
	assert.NotContains(t, out.String(), "No log events since", "the note says it already")

	out.Reset()
	err = Run(context.Background(), api, twoSources()[1:], &out, newPrinter(&out, &errOut), Options{Since: base.Add(time.Minute)})
	require.NoError(t, err)
	assert.Equal(t, "No log events since 2026-11-30T10:01:00Z.\n", out.String())
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		errType string
		want    []string
	}{
		{"AccessDeniedException", []string{"AWS denied logs:FilterLogEvents on log group /aws/lambda/hello_1_main",
			"allow logs:FilterLogEvents on arn:aws:logs:eu-west-1:<account>:log-group:/aws/lambda/*", "Function logs"}},
		{"ThrottlingException", []string{"CloudWatch Logs throttled logs:FilterLogEvents on log group /aws/lambda/hello_1_main",
			"ThrottlingException", "wait a minute", "Service Quotas"}},
		{"InvalidParameterException", []string{"read log group /aws/lambda/hello_1_main with logs:FilterLogEvents", "InvalidParameterException"}},
	}
	for _, tt := range tests {
		t.Run(tt.errType, func(t *testing.T) {
			fake, api := newFakeLogs(t)
			fake.failNext(tt.errType)
			var out, errOut bytes.Buffer
			err := Run(context.Background(), api, twoSources(), &out, newPrinter(&out, &errOut), Options{Region: "eu-west-1", Since: base})
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Empty(t, out.String())
		})
	}
}

func TestRunMaxEvents(t *testing.T) {
	fake, api := newFakeLogs(t)
	fake.add("/aws/lambda/hello_1_main",
		fakeEvent{ID: "m1", Time: ms(0), Message: "one"}, fakeEvent{ID: "m2", Time: ms(1), Message: "two"},
		fakeEvent{ID: "m3", Time: ms(2), Message: "three"})
	fake.add("/aws/lambda/hello_1_js", fakeEvent{ID: "j1", Time: ms(0), Message: "js"})
	var out, errOut bytes.Buffer
	err := Run(context.Background(), api, twoSources(), &out, newPrinter(&out, &errOut), Options{Since: base, MaxEvents: 2})
	require.NoError(t, err)
	assert.Equal(t, 2, strings.Count(out.String(), "\n"))
	assert.Equal(t, "Warning: stopped after 2 events: the output is incomplete; use a later --since or --function\n", errOut.String())
}

// waitFor polls cond until it holds, failing after 20 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestFollowPrintsOnlyNewEvents(t *testing.T) {
	fake, api := newFakeLogs(t)
	fake.add("/aws/lambda/hello_1_main", fakeEvent{ID: "m1", Time: ms(0), Message: "first"})
	var out lockedBuffer
	var errOut bytes.Buffer
	p := report.New(&out, &errOut, report.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, api, twoSources(), &out, p, Options{Since: base, Follow: true, PollInterval: 5 * time.Millisecond})
	}()
	waitFor(t, "the first event", func() bool { return strings.Contains(out.String(), "first") })
	fake.add("/aws/lambda/hello_1_main", fakeEvent{ID: "m2", Time: ms(20), Message: "second"})
	waitFor(t, "the new event", func() bool { return strings.Contains(out.String(), "second") })
	// An event older than the newest printed (it reached CloudWatch Logs
	// late), and a group that appears.
	fake.add("/aws/lambda/hello_1_main", fakeEvent{ID: "m3", Time: ms(10), Message: "late"})
	waitFor(t, "the late event", func() bool { return strings.Contains(out.String(), "late") })
	fake.add("/aws/lambda/hello_1_js", fakeEvent{ID: "j1", Time: ms(30), Message: "js appears"})
	waitFor(t, "the new group", func() bool { return strings.Contains(out.String(), "js appears") })
	polls := fake.count("/aws/lambda/hello_1_main")
	waitFor(t, "more polls", func() bool { return fake.count("/aws/lambda/hello_1_main") >= polls+3 })
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err, "Ctrl-C ends --follow without an error")
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not stop when its context ended")
	}
	got := out.String()
	for _, msg := range []string{"first", "second", "late", "js appears"} {
		assert.Equal(t, 1, strings.Count(got, " "+msg+"\n"), "%q printed once in:\n%s", msg, got)
	}
	assert.Equal(t, 1, strings.Count(got, "No logs yet for function js"), "the missing group is noted once")
	assert.Less(t, strings.Index(got, "second"), strings.Index(got, "js appears"))
}

func TestFollowSurvivesThrottling(t *testing.T) {
	fake, api := newFakeLogs(t)
	fake.add("/aws/lambda/hello_1_main", fakeEvent{ID: "m1", Time: ms(0), Message: "first"})
	var out lockedBuffer
	var errOut lockedBuffer
	p := report.New(&out, &errOut, report.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	sources := twoSources()[:1]
	go func() {
		done <- Run(ctx, api, sources, &out, p, Options{Since: base, Follow: true, PollInterval: 5 * time.Millisecond})
	}()
	waitFor(t, "the first event", func() bool { return strings.Contains(out.String(), "first") })
	fake.failNext("ThrottlingException", "ThrottlingException")
	fake.add("/aws/lambda/hello_1_main", fakeEvent{ID: "m2", Time: ms(1), Message: "after throttling"})
	waitFor(t, "the event after throttling", func() bool { return strings.Contains(out.String(), "after throttling") })
	cancel()
	require.NoError(t, <-done)
	assert.Equal(t, 1, strings.Count(errOut.String(), "Warning: CloudWatch Logs throttled"), "warned once per series:\n%s", errOut.String())
	assert.Contains(t, errOut.String(), "polling less often until it passes")
}

func TestFollowStopsOnOtherErrors(t *testing.T) {
	fake, api := newFakeLogs(t)
	fake.add("/aws/lambda/hello_1_main", fakeEvent{ID: "m1", Time: ms(0), Message: "first"})
	var out lockedBuffer
	p := report.New(&out, &out, report.Options{})
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), api, twoSources()[:1], &out, p, Options{Since: base, Follow: true, PollInterval: 5 * time.Millisecond})
	}()
	waitFor(t, "the first event", func() bool { return strings.Contains(out.String(), "first") })
	fake.failNext("AccessDeniedException")
	select {
	case err := <-done:
		var denied *AccessError
		require.ErrorAs(t, err, &denied)
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not stop on access denied")
	}
}

package awslogs

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/lambda-apps/lambda-apps/aws/awsclient"
)

// fakeEvent is an event the fake CloudWatch Logs holds.
type fakeEvent struct {
	ID      string `json:"eventId"`
	Time    int64  `json:"timestamp"`
	Message string `json:"message"`
	Stream  string `json:"logStreamName"`
}

// fakeLogs is a fake of the CloudWatch Logs JSON API (FilterLogEvents
// only), paging pageSize events at a time.
type fakeLogs struct {
	t        *testing.T
	mu       sync.Mutex
	groups   map[string][]fakeEvent
	pageSize int
	// errs answers the next requests with these error types (FIFO).
	errs []string
	// requests counts FilterLogEvents calls per log group.
	requests map[string]int
}

func newFakeLogs(t *testing.T) (*fakeLogs, *cloudwatchlogs.Client) {
	f := &fakeLogs{t: t, groups: map[string][]fakeEvent{}, pageSize: 2, requests: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	clients := awsclient.New(awsclient.Options{Region: "us-east-1",
		Credentials: awsclient.Credentials{AccessKeyID: "AKIAFAKE", SecretAccessKey: "fake-secret"}, MaxAttempts: 1})
	return f, NewClient(clients, srv.URL)
}

// add appends events to a log group (creating it).
func (f *fakeLogs) add(group string, events ...fakeEvent) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.groups[group] = append(f.groups[group], events...)
}

// failNext makes the next requests fail with the error types.
func (f *fakeLogs) failNext(types ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, types...)
}

func (f *fakeLogs) count(group string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[group]
}

func (f *fakeLogs) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if got := r.Header.Get("X-Amz-Target"); got != "Logs_20140328.FilterLogEvents" {
		f.t.Errorf("unexpected operation %q", got)
		http.Error(w, "unexpected", http.StatusBadRequest)
		return
	}
	var in struct {
		LogGroupName string `json:"logGroupName"`
		StartTime    int64  `json:"startTime"`
		NextToken    string `json:"nextToken"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests[in.LogGroupName]++
	fail := func(errType, msg string) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": errType, "message": msg})
	}
	if len(f.errs) > 0 {
		errType := f.errs[0]
		f.errs = f.errs[1:]
		fail(errType, "fake "+errType+" for key AKIAFAKE")
		return
	}
	events, ok := f.groups[in.LogGroupName]
	if !ok {
		fail("ResourceNotFoundException", "The specified log group does not exist.")
		return
	}
	var matched []fakeEvent
	for _, ev := range events {
		if ev.Time >= in.StartTime {
			matched = append(matched, ev)
		}
	}
	from := 0
	if in.NextToken != "" {
		from, _ = strconv.Atoi(in.NextToken)
	}
	to := min(from+f.pageSize, len(matched))
	out := map[string]any{"events": matched[from:to]}
	if to < len(matched) {
		out["nextToken"] = strconv.Itoa(to)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(out)
}

// lockedBuffer is an io.Writer safe for a writer and a reader goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

package lambdalocal

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/internal/testaws"
)

// fakeCW records what reaches CloudWatch Logs.
type fakeCW struct {
	mu      sync.Mutex
	calls   []string            // "group", "stream", "put" in order
	events  map[string][]string // stream name -> messages
	fail    error               // every call fails with it
	block   chan struct{}       // PutLogEvents waits for it to close
	blocked chan struct{}       // closed when a PutLogEvents call waits on block
	gone    int                 // the next n PutLogEvents answer ResourceNotFoundException
	down    int                 // the next n calls fail as if the fallback were down
}

func newFakeCW() *fakeCW { return &fakeCW{events: map[string][]string{}} }

func (f *fakeCW) CreateLogGroup(_ context.Context, _ *cloudwatchlogs.CreateLogGroupInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogGroupOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "group")
	if f.down > 0 {
		f.down--
		return nil, errors.New("connection refused")
	}
	return &cloudwatchlogs.CreateLogGroupOutput{}, f.fail
}

func (f *fakeCW) CreateLogStream(_ context.Context, _ *cloudwatchlogs.CreateLogStreamInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogStreamOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "stream")
	return &cloudwatchlogs.CreateLogStreamOutput{}, f.fail
}

func (f *fakeCW) PutLogEvents(_ context.Context, in *cloudwatchlogs.PutLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutLogEventsOutput, error) {
	f.mu.Lock()
	block, blocked := f.block, f.blocked
	f.mu.Unlock()
	if block != nil {
		close(blocked)
		<-block
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "put")
	if f.fail != nil {
		return nil, f.fail
	}
	if f.gone > 0 {
		f.gone--
		return nil, &cwtypes.ResourceNotFoundException{Message: aws.String("The specified log group does not exist.")}
	}
	var last int64
	for _, ev := range in.LogEvents {
		if aws.ToInt64(ev.Timestamp) < last {
			return nil, errors.New("events out of order")
		}
		last = aws.ToInt64(ev.Timestamp)
		f.events[aws.ToString(in.LogStreamName)] = append(f.events[aws.ToString(in.LogStreamName)], aws.ToString(ev.Message))
	}
	return &cloudwatchlogs.PutLogEventsOutput{}, nil
}

func (f *fakeCW) snapshot() ([]string, map[string][]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	events := map[string][]string{}
	for k, v := range f.events {
		events[k] = append([]string(nil), v...)
	}
	return append([]string(nil), f.calls...), events
}

var discardLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestCWStreamName(t *testing.T) {
	t.Parallel()
	c := startCWLogs(newFakeCW(), discardLogger, time.Hour)
	defer c.close()
	a, b := c.stream("app_1-0_fn"), c.stream("app_1-0_fn")
	assert.Equal(t, "/aws/lambda/app_1-0_fn", a.group)
	assert.Regexp(t, regexp.MustCompile(`^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$`), a.name)
	assert.NotEqual(t, a.name, b.name, "one stream per handler process")

	var none *cwLogs
	assert.Nil(t, none.stream("fn"), "no fallback, no stream")
	none.stream("fn").write([]byte("ignored")) // a nil stream is a no-op
	none.close()
}

func TestCWLogsSendsOnClose(t *testing.T) {
	t.Parallel()
	api := newFakeCW()
	c := startCWLogs(api, discardLogger, time.Hour) // only close sends
	one, two := c.stream("fn"), c.stream("fn")
	one.write([]byte("first"))
	two.write([]byte(""))
	one.write([]byte("second"))
	c.close()
	two.write([]byte("after close")) // dropped, never blocks

	calls, events := api.snapshot()
	assert.Equal(t, []string{"first\n", "second\n"}, events[one.name])
	assert.Equal(t, []string{"\n"}, events[two.name], "an empty line keeps its line end (AWS refuses empty messages)")
	assert.Equal(t, []string{"group", "stream", "put", "stream", "put"}, calls, "the group is created once, each stream once")
	assert.EqualValues(t, 0, c.dropped.Load())
}

func TestCWLogsFailuresDropAndCount(t *testing.T) {
	t.Parallel()
	api := newFakeCW()
	api.fail = errors.New("connection refused")
	c := startCWLogs(api, discardLogger, time.Hour)
	st := c.stream("fn")
	for range 3 {
		st.write([]byte("line"))
	}
	c.close()
	assert.EqualValues(t, 3, c.dropped.Load())
	_, events := api.snapshot()
	assert.Empty(t, events)
}

func TestCWLogsSendsAgainAfterFailures(t *testing.T) {
	t.Parallel()
	api := newFakeCW()
	api.down = 3
	c := startCWLogs(api, discardLogger, time.Millisecond)
	defer c.close()
	st := c.stream("fn")
	st.write([]byte("kept until the fallback answers"))
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, events := api.snapshot()
		if len(events[st.name]) > 0 {
			assert.Equal(t, []string{"kept until the fallback answers\n"}, events[st.name])
			break
		}
		require.False(t, time.Now().After(deadline), "the line never arrived")
		time.Sleep(5 * time.Millisecond)
	}
	calls, _ := api.snapshot()
	assert.Equal(t, []string{"group", "group", "group", "group", "stream", "put"}, calls, "three failures, then sent")
	assert.EqualValues(t, 0, c.dropped.Load())
}

func TestCWPendingBounds(t *testing.T) {
	t.Parallel()
	line := func(size int) cwEvent { return cwEvent{message: strings.Repeat("x", size)} }
	var p cwPending
	for range cwMaxPending {
		require.Zero(t, p.add(line(1)))
	}
	assert.Equal(t, 2, p.add(line(1), line(1)), "beyond cwMaxPending lines the oldest go")
	assert.Len(t, p.evs, cwMaxPending)

	p.reset(nil)
	big := line(cwMaxPendingBytes / 2)
	assert.Zero(t, p.add(big, big))
	assert.Equal(t, 1, p.add(line(1)), "beyond cwMaxPendingBytes the oldest go")
	assert.Equal(t, cwMaxPendingBytes/2+1, p.bytes)
}

func TestCWLogsRecreatesAVanishedGroup(t *testing.T) {
	t.Parallel()
	api := newFakeCW()
	api.gone = 1
	c := startCWLogs(api, discardLogger, time.Hour)
	st := c.stream("fn")
	st.write([]byte("line"))
	c.close()
	calls, events := api.snapshot()
	assert.Equal(t, []string{"group", "stream", "put", "group", "stream", "put"}, calls)
	assert.Equal(t, []string{"line\n"}, events[st.name])
	assert.EqualValues(t, 0, c.dropped.Load())
}

func TestCWLogsNeverBlocksWriters(t *testing.T) {
	t.Parallel()
	api := newFakeCW()
	release := make(chan struct{})
	api.block, api.blocked = release, make(chan struct{})
	c := startCWLogs(api, discardLogger, time.Millisecond)
	st := c.stream("fn")
	st.write([]byte("stuck"))
	select { // the sender now waits inside PutLogEvents
	case <-api.blocked:
	case <-time.After(20 * time.Second):
		t.Fatal("the sender never called PutLogEvents")
	}
	for range cwQueueSize + 5 {
		st.write([]byte("more"))
	}
	assert.EqualValues(t, 5, c.dropped.Load(), "a full queue drops lines instead of blocking")
	api.mu.Lock()
	api.block = nil
	api.mu.Unlock()
	close(release)
	c.close()
	_, events := api.snapshot()
	assert.Len(t, events[st.name], cwQueueSize+1)
}

func TestCWBatches(t *testing.T) {
	t.Parallel()
	ev := func(size int) cwEvent { return cwEvent{message: strings.Repeat("x", size)} }
	big := cwMaxBatchBytes/2 - cwEventOverhead
	tests := []struct {
		name  string
		in    []cwEvent
		sizes []int
	}{
		{"empty", nil, nil},
		{"one", []cwEvent{ev(1)}, []int{1}},
		{"split by bytes", []cwEvent{ev(big), ev(big), ev(1)}, []int{2, 1}},
		{"split by count", make([]cwEvent, cwMaxBatchEvents+1), []int{cwMaxBatchEvents, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sizes []int
			for _, b := range cwBatches(tt.in) {
				sizes = append(sizes, len(b))
			}
			assert.Equal(t, tt.sizes, sizes)
		})
	}
}

// TestCWLogsOnMoto runs a function on lambda-local with moto as fallback
// and reads its output back from moto's CloudWatch Logs.
func TestCWLogsOnMoto(t *testing.T) {
	t.Parallel()
	m := testaws.StartMoto(t)
	ts := startServer(t, Config{Fallback: m.URL})
	const name = "logs-app_1-0-0_main"
	ts.deploy(t, name, "v1", FunctionConfig{})
	res := invoke(t, ts.client(noRetries), name, map[string]string{"log": "hello from the handler"})
	require.Empty(t, res.FunctionError)

	cw := cloudwatchlogs.New(cloudwatchlogs.Options{Region: testaws.Region, BaseEndpoint: aws.String(m.URL),
		Credentials: aws.NewCredentialsCache(staticCreds{})})
	var messages []string
	var streams map[string]bool
	deadline := time.Now().Add(30 * time.Second)
	for {
		messages, streams = nil, map[string]bool{}
		out, err := cw.FilterLogEvents(context.Background(), &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/aws/lambda/" + name)})
		if err == nil {
			for _, ev := range out.Events {
				messages = append(messages, aws.ToString(ev.Message))
				streams[aws.ToString(ev.LogStreamName)] = true
			}
		}
		if strings.Contains(strings.Join(messages, ""), "REPORT RequestId: "+res.Response.RequestID) || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	all := strings.Join(messages, "")
	assert.Contains(t, all, "START RequestId: "+res.Response.RequestID+" Version: $LATEST\n")
	assert.Contains(t, all, "hello from the handler\n")
	assert.Contains(t, all, "END RequestId: "+res.Response.RequestID+"\n")
	assert.Contains(t, all, "REPORT RequestId: "+res.Response.RequestID)
	require.Len(t, streams, 1, "one handler process, one stream")
	for s := range streams {
		assert.Regexp(t, `^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$`, s)
	}
}

// staticCreds are credentials moto accepts.
type staticCreds struct{}

func (staticCreds) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}, nil
}

// TestCWLogsFallbackDown runs a function whose fallback does not answer:
// the invocation succeeds as usual and its lines are counted as dropped.
func TestCWLogsFallbackDown(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Fallback: "http://127.0.0.1:1"})
	ts.deploy(t, "fn", "v1", FunctionConfig{})
	res := invoke(t, ts.client(noRetries), "fn", map[string]string{"log": "nobody reads this"})
	require.Empty(t, res.FunctionError)
	assert.Equal(t, "v1", res.Response.CodeVersion)
	require.NoError(t, ts.stop())
	assert.GreaterOrEqual(t, ts.cw.dropped.Load(), int64(4), "START, the line, END and REPORT are dropped")
}

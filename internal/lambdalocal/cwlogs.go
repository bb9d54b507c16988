package lambdalocal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// Function output in CloudWatch Logs: when a fallback is configured, every
// line a handler process writes (and the START / END / REPORT lines of its
// invocations) also goes to the fallback's CloudWatch Logs, as on AWS: log
// group "/aws/lambda/<function name>", one log stream per handler process
// named "YYYY/MM/DD/[$LATEST]<32 hex>". Lines are queued in a bounded
// buffer and sent in batches by one background goroutine, so an invocation
// never waits for CloudWatch Logs. Lines the fallback did not take are kept
// and sent again later (backing off up to cwMaxRetryDelay), up to
// cwMaxPending lines or cwMaxPendingBytes; beyond that, and when the queue
// is full, lines are dropped and counted.
const (
	// cwQueueSize bounds the lines queued by writers.
	cwQueueSize = 10000
	// cwMaxPending and cwMaxPendingBytes bound the lines the sender holds
	// (waiting for the next send, or for the fallback to answer again).
	cwMaxPending      = 10000
	cwMaxPendingBytes = 4 << 20
	// cwMaxRetryDelay bounds the wait before sending again after a failure.
	cwMaxRetryDelay = 10 * time.Second
	// cwFlushInterval is how often queued lines are sent.
	cwFlushInterval = 200 * time.Millisecond
	// cwMaxBatchEvents and cwMaxBatchBytes are PutLogEvents' limits (each
	// event counts its message plus 26 bytes).
	cwMaxBatchEvents = 10000
	cwMaxBatchBytes  = 1 << 20
	cwEventOverhead  = 26
	// cwRequestTimeout bounds one request to the fallback.
	cwRequestTimeout = 5 * time.Second
	// cwCloseTimeout bounds sending what is left when the server closes.
	cwCloseTimeout = 5 * time.Second
	// cwCredential is sent as access key and secret: the fallback (moto)
	// does not check them.
	cwCredential = "lambda-local"
)

// cwAPI is the part of the CloudWatch Logs client used.
type cwAPI interface {
	CreateLogGroup(ctx context.Context, in *cloudwatchlogs.CreateLogGroupInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogGroupOutput, error)
	CreateLogStream(ctx context.Context, in *cloudwatchlogs.CreateLogStreamInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogStreamOutput, error)
	PutLogEvents(ctx context.Context, in *cloudwatchlogs.PutLogEventsInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutLogEventsOutput, error)
}

// cwLogs sends function output to CloudWatch Logs. A nil *cwLogs does
// nothing, so the server works the same without a fallback.
type cwLogs struct {
	api   cwAPI
	log   *slog.Logger
	queue chan cwEvent
	stop  chan struct{}
	done  chan struct{}

	dropped atomic.Int64 // lines that never reached CloudWatch Logs
	once    sync.Once

	// Only the sending goroutine uses these.
	groups  map[string]bool // log groups known to exist
	failing bool            // the last request failed (log only the first failure)
}

// cwEvent is one line of one log stream.
type cwEvent struct {
	stream  *cwStream
	time    int64 // Unix milliseconds
	message string
}

// cwStream is the log stream of one handler process.
type cwStream struct {
	logs    *cwLogs
	group   string
	name    string
	created bool // only the sending goroutine uses it
}

// newCWLogs returns a sender to the fallback's CloudWatch Logs, or nil
// without a fallback.
func newCWLogs(cfg Config, log *slog.Logger) *cwLogs {
	if cfg.Fallback == "" {
		return nil
	}
	api := cloudwatchlogs.New(cloudwatchlogs.Options{
		Region:           cfg.Region,
		BaseEndpoint:     aws.String(cfg.Fallback),
		Credentials:      credentials.NewStaticCredentialsProvider(cwCredential, cwCredential, ""),
		HTTPClient:       &http.Client{Timeout: cwRequestTimeout},
		RetryMaxAttempts: 1, // run sends a failed batch again later, with backoff
	})
	return startCWLogs(api, log.With("component", "cloudwatch-logs", "endpoint", cfg.Fallback), cwFlushInterval)
}

// startCWLogs starts the sending goroutine.
func startCWLogs(api cwAPI, log *slog.Logger, interval time.Duration) *cwLogs {
	c := &cwLogs{
		api:    api,
		log:    log,
		queue:  make(chan cwEvent, cwQueueSize),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
		groups: map[string]bool{},
	}
	go c.run(interval)
	return c
}

// stream returns a new log stream of the function, named as AWS names
// them, or nil when c is nil.
func (c *cwLogs) stream(function string) *cwStream {
	if c == nil {
		return nil
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	return &cwStream{
		logs:  c,
		group: "/aws/lambda/" + function,
		name:  time.Now().UTC().Format("2006/01/02") + "/[$LATEST]" + hex.EncodeToString(b[:]),
	}
}

// write queues one output line; it never blocks. A nil stream does nothing.
func (st *cwStream) write(line []byte) {
	if st == nil {
		return
	}
	// AWS keeps the line end in the message (and refuses empty messages).
	ev := cwEvent{stream: st, time: time.Now().UnixMilli(), message: string(line) + "\n"}
	select {
	case st.logs.queue <- ev:
	default:
		st.logs.dropped.Add(1)
	}
}

// attach makes every line written to the buffer also go to st.
func (l *logBuffer) attach(st *cwStream) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sink = st
}

// close sends what is queued (waiting at most cwCloseTimeout) and stops
// the sending goroutine. Lines written afterwards are dropped.
func (c *cwLogs) close() {
	if c == nil {
		return
	}
	c.once.Do(func() { close(c.stop) })
	<-c.done
	if n := c.dropped.Load(); n > 0 {
		c.log.Warn("function output lines not sent to CloudWatch Logs", "dropped", n)
	}
}

// run sends queued lines every interval until close; after a failure it
// waits twice as long each time (from interval up to cwMaxRetryDelay).
func (c *cwLogs) run(interval time.Duration) {
	defer close(c.done)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	var (
		pending cwPending
		delay   time.Duration // since the last failure; 0 after a success
		next    time.Time     // no sending before it
	)
	for {
		select {
		case ev := <-c.queue:
			c.dropped.Add(int64(pending.add(ev)))
			if len(pending.evs) < cwMaxBatchEvents {
				continue
			}
		case <-ticker.C:
		case <-c.stop:
			c.dropped.Add(int64(pending.add(c.drain()...)))
			ctx, cancel := context.WithTimeout(context.Background(), cwCloseTimeout)
			unsent := c.send(ctx, pending.evs)
			cancel()
			c.dropped.Add(int64(len(unsent)))
			return
		}
		if len(pending.evs) == 0 || time.Now().Before(next) {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), cwRequestTimeout)
		pending.reset(c.send(ctx, pending.evs))
		cancel()
		if len(pending.evs) == 0 {
			delay = 0
			continue
		}
		delay = min(max(2*delay, interval), cwMaxRetryDelay)
		next = time.Now().Add(delay)
	}
}

// cwPending are the lines the sender holds, oldest first, bounded by
// cwMaxPending and cwMaxPendingBytes.
type cwPending struct {
	evs   []cwEvent
	bytes int
}

// add appends lines and drops the oldest beyond the bounds; it returns how
// many it dropped.
func (p *cwPending) add(evs ...cwEvent) (dropped int) {
	for _, ev := range evs {
		p.evs = append(p.evs, ev)
		p.bytes += len(ev.message)
	}
	for len(p.evs) > cwMaxPending || p.bytes > cwMaxPendingBytes {
		p.bytes -= len(p.evs[0].message)
		p.evs = p.evs[1:]
		dropped++
	}
	return dropped
}

// reset replaces the lines (with those a send left).
func (p *cwPending) reset(evs []cwEvent) {
	p.evs, p.bytes = nil, 0
	p.add(evs...) // never more than before: drops nothing
}

// drain takes everything queued.
func (c *cwLogs) drain() []cwEvent {
	var evs []cwEvent
	for {
		select {
		case ev := <-c.queue:
			evs = append(evs, ev)
		default:
			return evs
		}
	}
}

// send writes the events, one PutLogEvents per stream and batch, and
// returns those the fallback did not take.
func (c *cwLogs) send(ctx context.Context, events []cwEvent) (unsent []cwEvent) {
	var order []*cwStream
	byStream := map[*cwStream][]cwEvent{}
	for _, ev := range events {
		if _, ok := byStream[ev.stream]; !ok {
			order = append(order, ev.stream)
		}
		byStream[ev.stream] = append(byStream[ev.stream], ev)
	}
	for _, st := range order {
		evs := byStream[st]
		// PutLogEvents wants chronological order; lines of one stream come
		// from more than one goroutine.
		sort.SliceStable(evs, func(i, j int) bool { return evs[i].time < evs[j].time })
		for _, batch := range cwBatches(evs) {
			err := c.put(ctx, st, batch)
			if err != nil {
				unsent = append(unsent, batch...)
			}
			c.report(err)
		}
	}
	return unsent
}

// cwBatches splits events into PutLogEvents-sized batches.
func cwBatches(evs []cwEvent) [][]cwEvent {
	var batches [][]cwEvent
	start, size := 0, 0
	for i, ev := range evs {
		n := len(ev.message) + cwEventOverhead
		if i > start && (i-start >= cwMaxBatchEvents || size+n > cwMaxBatchBytes) {
			batches = append(batches, evs[start:i])
			start, size = i, 0
		}
		size += n
	}
	if start < len(evs) {
		batches = append(batches, evs[start:])
	}
	return batches
}

// put sends one batch, creating the log group and stream first when
// needed. When the group or stream vanished (the fallback restarted), it
// creates them again and retries once.
func (c *cwLogs) put(ctx context.Context, st *cwStream, batch []cwEvent) error {
	in := &cloudwatchlogs.PutLogEventsInput{
		LogGroupName:  aws.String(st.group),
		LogStreamName: aws.String(st.name),
		LogEvents:     make([]cwtypes.InputLogEvent, len(batch)),
	}
	for i, ev := range batch {
		in.LogEvents[i] = cwtypes.InputLogEvent{Timestamp: aws.Int64(ev.time), Message: aws.String(ev.message)}
	}
	for attempt := 0; ; attempt++ {
		if err := c.ensureStream(ctx, st); err != nil {
			return err
		}
		_, err := c.api.PutLogEvents(ctx, in)
		var nf *cwtypes.ResourceNotFoundException
		if err == nil || attempt > 0 || !errors.As(err, &nf) {
			return err
		}
		delete(c.groups, st.group)
		st.created = false
	}
}

// ensureStream creates the stream's log group and the stream unless they
// are known to exist.
func (c *cwLogs) ensureStream(ctx context.Context, st *cwStream) error {
	var exists *cwtypes.ResourceAlreadyExistsException
	if !c.groups[st.group] {
		_, err := c.api.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(st.group)})
		if err != nil && !errors.As(err, &exists) {
			return err
		}
		c.groups[st.group] = true
	}
	if !st.created {
		_, err := c.api.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{
			LogGroupName: aws.String(st.group), LogStreamName: aws.String(st.name),
		})
		if err != nil && !errors.As(err, &exists) {
			return err
		}
		st.created = true
	}
	return nil
}

// report logs the first failure of a series and the recovery.
func (c *cwLogs) report(err error) {
	switch {
	case err != nil:
		if !c.failing {
			c.log.Warn("sending function output to CloudWatch Logs failed; keeping it to send again (the oldest lines are dropped beyond the limit)",
				"err", err, "limit_lines", cwMaxPending, "dropped", c.dropped.Load())
		}
		c.failing = true
	case c.failing:
		c.failing = false
		c.log.Info("sending function output to CloudWatch Logs works again", "dropped", c.dropped.Load())
	}
}

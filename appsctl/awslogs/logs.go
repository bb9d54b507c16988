package awslogs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/lambda-apps/lambda-apps/appsctl/report"
)

// Defaults of Options.
const (
	DefaultPollInterval = 2 * time.Second
	DefaultMaxEvents    = 100000
	// lookback is how far before the newest event printed a follow poll
	// reads again, so that events that reach CloudWatch Logs late are not
	// missed; the ones printed already are recognised by their event ID.
	lookback = 10 * time.Second
	// maxBackoff bounds the poll interval after throttling.
	maxBackoff = 30 * time.Second
	// timeLayout prints event times: UTC with milliseconds.
	timeLayout = "2006-01-02T15:04:05.000Z07:00"
)

// Options configure Run.
type Options struct {
	// Region names the log groups' region in error messages.
	Region string
	// Since is the time of the first events.
	Since time.Time
	// Follow keeps polling for new events until the context ends.
	Follow bool
	// PollInterval is the time between follow polls (DefaultPollInterval).
	PollInterval time.Duration
	// MaxEvents bounds the events read before the first print
	// (DefaultMaxEvents); when reached, a warning says the output is
	// incomplete.
	MaxEvents int
}

func (o Options) withDefaults() Options {
	if o.PollInterval <= 0 {
		o.PollInterval = DefaultPollInterval
	}
	if o.MaxEvents <= 0 {
		o.MaxEvents = DefaultMaxEvents
	}
	return o
}

// reader holds what Run has printed.
type reader struct {
	api     API
	sources []*Source
	out     io.Writer
	p       *report.Printer
	opts    Options
	// noted are the log groups said to be missing.
	noted map[string]bool
	// newest is, per log group, the time of the newest event printed.
	newest map[string]time.Time
	// seen are, per log group, the IDs of events printed recently, with
	// their times (pruned as the read window moves on).
	seen map[string]map[string]time.Time
}

// Run prints the log events of sources since opts.Since, merged by time,
// as "<time> <label> <message>" lines on out, masked with p's redaction.
// With opts.Follow it then polls every opts.PollInterval and prints new
// events until ctx ends, which is not an error. A function without a log
// group (it has not logged yet) is noted once through p.
func Run(ctx context.Context, api API, sources []Source, out io.Writer, p *report.Printer, opts Options) error {
	r := &reader{api: api, out: out, p: p, opts: opts.withDefaults(),
		noted: map[string]bool{}, newest: map[string]time.Time{}, seen: map[string]map[string]time.Time{}}
	for i := range sources {
		r.sources = append(r.sources, &sources[i])
	}
	events, truncated, err := r.poll(ctx, r.opts.MaxEvents)
	if r.opts.Follow && interrupted(ctx) {
		return nil // Ctrl-C before the first events
	}
	if err != nil {
		return err
	}
	if err := r.print(events); err != nil {
		return err
	}
	if truncated {
		p.Warnf("stopped after %d events: the output is incomplete; use a later --since or --function", r.opts.MaxEvents)
	}
	if !r.opts.Follow {
		if len(events) == 0 && len(r.noted) < len(r.sources) { // else each function was noted
			p.Infof("No log events since %s.", r.opts.Since.UTC().Format(time.RFC3339))
		}
		return nil
	}
	return r.follow(ctx)
}

// follow polls until ctx ends. Throttling slows the polls down (a warning
// says so once per series); other errors end it.
func (r *reader) follow(ctx context.Context) error {
	interval := r.opts.PollInterval
	timer := time.NewTimer(interval)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		events, _, err := r.poll(ctx, r.opts.MaxEvents)
		var throttled *ThrottledError
		switch {
		case interrupted(ctx):
			return nil
		case errors.As(err, &throttled):
			if interval == r.opts.PollInterval {
				r.p.Warnf("%s; polling less often until it passes", throttled.Error())
			}
			interval = min(2*interval, maxBackoff)
		case err != nil:
			return err
		default:
			interval = r.opts.PollInterval
		}
		if err := r.print(events); err != nil {
			return err
		}
		timer.Reset(interval)
	}
}

// interrupted reports whether ctx ended (Ctrl-C), which ends --follow
// without an error.
func interrupted(ctx context.Context) bool { return ctx.Err() != nil }

// poll reads every source from where it stands and returns the events not
// printed yet, merged by time. It reads at most limit events in all.
func (r *reader) poll(ctx context.Context, limit int) ([]Event, bool, error) {
	var all []Event
	truncated := false
	for _, src := range r.sources {
		if len(all) >= limit {
			truncated = true
			break
		}
		group := src.LogGroup()
		start := r.opts.Since
		if newest, ok := r.newest[group]; ok && newest.Add(-lookback).After(start) {
			start = newest.Add(-lookback)
		}
		r.p.Debugf("FilterLogEvents %s from %s", group, start.UTC().Format(timeLayout))
		events, more, err := fetch(ctx, r.api, src, r.opts.Region, start, limit-len(all))
		switch {
		case errors.Is(err, errNoLogGroup):
			if !r.noted[group] {
				r.noted[group] = true
				r.p.Infof("No logs yet for function %s (log group %s does not exist: it has not run since it was deployed, or its logs were deleted).",
					src.Label, group)
			}
			continue
		case err != nil:
			return all, false, err
		}
		truncated = truncated || more
		all = append(all, r.unseen(group, start, events)...)
	}
	sortEvents(all)
	return all, truncated, nil
}

// unseen returns the events not printed yet and records them as printed;
// it forgets IDs older than start, which later polls no longer read.
func (r *reader) unseen(group string, start time.Time, events []Event) []Event {
	seen := r.seen[group]
	if seen == nil {
		seen = map[string]time.Time{}
		r.seen[group] = seen
	}
	for id, t := range seen {
		if t.Before(start) {
			delete(seen, id)
		}
	}
	var fresh []Event
	for _, ev := range events {
		if _, ok := seen[ev.ID]; ok {
			continue
		}
		seen[ev.ID] = ev.Time
		fresh = append(fresh, ev)
		if ev.Time.After(r.newest[group]) {
			r.newest[group] = ev.Time
		}
	}
	return fresh
}

// sortEvents orders events by time; events of one time keep their order
// (that of their log group, then of the sources).
func sortEvents(events []Event) {
	sort.SliceStable(events, func(i, j int) bool { return events[i].Time.Before(events[j].Time) })
}

// print writes the events, masked.
func (r *reader) print(events []Event) error {
	var b strings.Builder
	for _, ev := range events {
		b.Reset()
		b.WriteString(ev.Time.UTC().Format(timeLayout))
		b.WriteByte(' ')
		b.WriteString(ev.Source.Label)
		b.WriteByte(' ')
		b.WriteString(strings.TrimRight(ev.Message, "\r\n"))
		b.WriteByte('\n')
		if _, err := io.WriteString(r.out, r.p.Redact(b.String())); err != nil {
			return fmt.Errorf("write the log events: %w", err)
		}
	}
	return nil
}

package callstats

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/appcall"
)

// clock is a settable clock for Options.Now.
type clock struct{ t atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.t.Store(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC).UnixNano())
	return c
}

func (c *clock) now() time.Time          { return time.Unix(0, c.t.Load()).UTC() }
func (c *clock) advance(d time.Duration) { c.t.Add(int64(d)) }

func TestRecordAndSummaries(t *testing.T) {
	c := newClock()
	s := New(Options{Now: c.now})
	ms := time.Millisecond
	s.Record("a", "/greet", appcall.OutcomeOK, 4*ms)
	s.Record("a", "/greet", appcall.OutcomeOK, 4*ms)
	s.Record("a", "/greet", appcall.OutcomeAppError, 4*ms)
	s.Record("a", "/bindings", appcall.OutcomeTimeout, 30*time.Second)
	s.Record("b", "/x", "something new", 1*ms) // counted as failed

	a, ok := s.App("a")
	require.True(t, ok)
	assert.Equal(t, "a", a.AppID)
	assert.Equal(t, c.now(), a.Since)
	want := Summary{Calls: 4, Errors: 2, P50Ms: 4, P99Ms: 30000,
		Outcomes: map[string]uint64{"ok": 2, "app_error": 1, "timeout": 1}}
	assert.Equal(t, want, a.SinceStart)
	assert.Equal(t, want, a.LastHour)
	require.Len(t, a.Paths, 2)
	assert.Equal(t, "/bindings", a.Paths[0].Path)
	assert.Equal(t, Summary{Calls: 1, Errors: 1, P50Ms: 30000, P99Ms: 30000, Outcomes: map[string]uint64{"timeout": 1}}, a.Paths[0].SinceStart)
	assert.Equal(t, "/greet", a.Paths[1].Path)
	assert.Equal(t, uint64(3), a.Paths[1].SinceStart.Calls)

	b, ok := s.App("b")
	require.True(t, ok)
	assert.Equal(t, map[string]uint64{"failed": 1}, b.SinceStart.Outcomes)

	none, ok := s.App("c")
	assert.False(t, ok)
	assert.Equal(t, "c", none.AppID)
	assert.Empty(t, none.Paths)

	all := s.All()
	require.Len(t, all, 2)
	assert.Equal(t, []string{"a", "b"}, []string{all[0].AppID, all[1].AppID})
}

// The last hour is 12 slots of 5 minutes: a call leaves it between 55 and
// 60 minutes after it was made, and stays in the counts since start.
func TestLastHourRotates(t *testing.T) {
	tests := []struct {
		madeAt   time.Duration // into its 5-minute slot (the clock starts at a boundary)
		after    time.Duration
		lastHour uint64
	}{
		{0, 0, 2},
		{0, 4 * time.Minute, 2},
		{0, 59 * time.Minute, 2},
		{0, 60 * time.Minute, 0},
		{4*time.Minute + 59*time.Second, 55 * time.Minute, 2},
		{4*time.Minute + 59*time.Second, 55*time.Minute + time.Second, 0},
		{0, 3 * time.Hour, 0},
	}
	for _, tt := range tests {
		t.Run(tt.madeAt.String()+"+"+tt.after.String(), func(t *testing.T) {
			c := newClock()
			s := New(Options{Now: c.now})
			c.advance(tt.madeAt)
			s.Record("a", "/x", appcall.OutcomeOK, time.Millisecond)
			s.Record("a", "/x", appcall.OutcomeFunctionError, time.Millisecond)
			c.advance(tt.after)
			a, _ := s.App("a")
			assert.Equal(t, tt.lastHour, a.LastHour.Calls)
			assert.Equal(t, uint64(2), a.SinceStart.Calls)
			if tt.lastHour == 0 {
				assert.Zero(t, a.LastHour.P99Ms)
				assert.Nil(t, a.LastHour.Outcomes)
			}
		})
	}
}

// A slot reused an hour later starts empty.
func TestSlotIsResetWhenReused(t *testing.T) {
	c := newClock()
	s := New(Options{Now: c.now})
	s.Record("a", "/x", appcall.OutcomeOK, time.Millisecond)
	c.advance(Slots * SlotWidth) // same slot index, next hour
	s.Record("a", "/x", appcall.OutcomeTimeout, time.Second)
	a, _ := s.App("a")
	assert.Equal(t, Summary{Calls: 1, Errors: 1, P50Ms: 1000, P99Ms: 1000, Outcomes: map[string]uint64{"timeout": 1}}, a.LastHour)
	assert.Equal(t, uint64(2), a.SinceStart.Calls)
}

func TestPathsAreCapped(t *testing.T) {
	s := New(Options{MaxPaths: 3})
	for i := range 10 {
		s.Record("a", fmt.Sprintf("/p%d", i), appcall.OutcomeOK, time.Millisecond)
	}
	s.Record("a", "/p1", appcall.OutcomeOK, time.Millisecond) // a known path stays itself
	s.Record("b", "/q", appcall.OutcomeOK, time.Millisecond)  // the cap is per app
	a, _ := s.App("a")
	var paths []string
	calls := map[string]uint64{}
	for _, p := range a.Paths {
		paths = append(paths, p.Path)
		calls[p.Path] = p.SinceStart.Calls
	}
	assert.ElementsMatch(t, []string{"/p0", "/p1", "/p2", OtherPath}, paths)
	assert.Equal(t, map[string]uint64{"/p0": 1, "/p1": 2, "/p2": 1, OtherPath: 7}, calls)
	assert.Equal(t, uint64(11), a.SinceStart.Calls)
	b, _ := s.App("b")
	assert.Equal(t, "/q", b.Paths[0].Path)
}

func TestForgetAndRetain(t *testing.T) {
	s := New(Options{})
	for _, id := range []apps.AppID{"a", "b", "c"} {
		s.Record(id, "/x", appcall.OutcomeOK, time.Millisecond)
	}
	s.Forget("a")
	_, ok := s.App("a")
	assert.False(t, ok)
	s.Retain(func(id apps.AppID) bool { return id == "c" })
	var ids []string
	for _, a := range s.All() {
		ids = append(ids, a.AppID)
	}
	assert.Equal(t, []string{"c"}, ids)
	s.Record("a", "/x", appcall.OutcomeOK, time.Millisecond) // reinstalled: counts anew
	a, ok := s.App("a")
	require.True(t, ok)
	assert.Equal(t, uint64(1), a.SinceStart.Calls)
}

// Concurrent recording and reading lose no call (run with -race).
func TestConcurrentRecording(t *testing.T) {
	c := newClock()
	s := New(Options{Now: c.now, MaxPaths: 4})
	const workers, perWorker = 8, 500
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				s.Record(apps.AppID(fmt.Sprintf("app%d", w%3)), fmt.Sprintf("/p%d", i%6), appcall.OutcomeOK, time.Duration(i)*time.Microsecond)
				if i%100 == 0 {
					c.advance(time.Minute)
					_ = s.All()
				}
			}
		}()
	}
	wg.Wait()
	var total uint64
	for _, a := range s.All() {
		total += a.SinceStart.Calls
		assert.LessOrEqual(t, len(a.Paths), 5)
	}
	assert.Equal(t, uint64(workers*perWorker), total)
}

func BenchmarkRecord(b *testing.B) {
	s := New(Options{})
	paths := []string{"/greet", "/pick", "/bindings", "/webhook/x"}
	for _, p := range paths {
		s.Record("hello", p, appcall.OutcomeOK, time.Millisecond)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			s.Record("hello", paths[i%len(paths)], appcall.OutcomeOK, time.Duration(i%5000)*time.Millisecond)
			i++
		}
	})
}

// BenchmarkRecordWhileReading records while another goroutine reads the
// whole view (a status panel being refreshed).
func BenchmarkRecordWhileReading(b *testing.B) {
	s := New(Options{})
	for i := range DefaultMaxPaths {
		s.Record("hello", fmt.Sprintf("/p%d", i), appcall.OutcomeOK, time.Millisecond)
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				_ = s.All()
			}
		}
	}()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Record("hello", "/p1", appcall.OutcomeOK, time.Millisecond)
	}
	b.StopTimer()
	close(stop)
	<-done
}

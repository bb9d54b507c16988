package asynclog

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

type recorder struct {
	mu    sync.Mutex
	lines []string
	gate  chan struct{} // when set, each line waits for it
}

func (r *recorder) add(level, msg string, kv []any) {
	if r.gate != nil {
		<-r.gate
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, fmt.Sprintf("%s %s %v", level, msg, kv))
}

func (r *recorder) Debug(msg string, kv ...any) { r.add("debug", msg, kv) }
func (r *recorder) Info(msg string, kv ...any)  { r.add("info", msg, kv) }
func (r *recorder) Warn(msg string, kv ...any)  { r.add("warn", msg, kv) }
func (r *recorder) Error(msg string, kv ...any) { r.add("error", msg, kv) }

func TestLinesKeepTheirOrderAndLevel(t *testing.T) {
	r := &recorder{}
	l := New(r, 16)
	l.Debug("one", "app_id", "a")
	l.Info("two")
	l.Warn("three", "k", 1)
	l.Error("four")
	assert.Equal(t, int64(0), l.Close())
	assert.Equal(t, []string{"debug one [app_id a]", "info two []", "warn three [k 1]", "error four []"}, r.lines)
}

func TestAFullBufferDropsInsteadOfWaiting(t *testing.T) {
	r := &recorder{gate: make(chan struct{})}
	l := New(r, 2)
	// The writer holds one line (waiting at the gate), two wait in the
	// buffer, the rest are dropped: none of these calls blocks.
	for i := range 10 {
		l.Debug("line", "i", i)
	}
	dropped := l.Dropped()
	assert.GreaterOrEqual(t, dropped, int64(7))
	assert.LessOrEqual(t, dropped, int64(8))
	close(r.gate)
	assert.Equal(t, dropped, l.Close())
	assert.Len(t, r.lines, int(10-dropped))
}

func TestLinesAfterCloseAreDropped(t *testing.T) {
	r := &recorder{}
	l := New(r, 4)
	l.Close()
	l.Warn("late")
	assert.Equal(t, int64(1), l.Dropped())
	assert.Empty(t, r.lines)
	assert.Equal(t, int64(1), l.Close(), "closing twice is fine")
}

package timing

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStepsRoundTrip(t *testing.T) {
	ctx, steps := Start(context.Background())
	time.Sleep(2 * time.Millisecond)
	Mark(ctx, "read")
	Mark(ctx, "invoke")
	h := steps.Header()
	names := []string{}
	for _, e := range strings.Split(h, ", ") {
		name, _, _ := strings.Cut(e, ";")
		names = append(names, name)
	}
	assert.Equal(t, []string{"read", "invoke", "plugin"}, names, h)

	got := Parse(h)
	require.Len(t, got, 3)
	assert.GreaterOrEqual(t, got["read"], 2*time.Millisecond, "the first step runs from Start")
	assert.GreaterOrEqual(t, got["plugin"], got["read"]+got["invoke"], "the whole is at least its steps")
}

func TestMarkWithoutStartDoesNothing(t *testing.T) {
	Mark(context.Background(), "x") // no panic, nothing kept
}

func TestWithoutStopsMarking(t *testing.T) {
	ctx, steps := Start(context.Background())
	Mark(Without(ctx), "parallel")
	Mark(ctx, "after")
	got := Parse(steps.Header())
	assert.NotContains(t, got, "parallel")
	assert.Contains(t, got, "after")
	bare := context.Background()
	assert.Equal(t, bare, Without(bare), "nothing to stop")
}

func TestStepsAreBounded(t *testing.T) {
	ctx, steps := Start(context.Background())
	for i := 0; i < 3*maxSteps; i++ {
		Mark(ctx, "s")
	}
	assert.Len(t, Parse(steps.Header()), 2, "s and plugin")
	assert.Equal(t, maxSteps+1, strings.Count(steps.Header(), ";dur="))
}

func TestConcurrentMarks(t *testing.T) {
	ctx, steps := Start(context.Background())
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			Mark(ctx, "p")
			_ = steps.Header()
		}()
	}
	wg.Wait()
	assert.Contains(t, steps.Header(), "p;dur=")
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want map[string]time.Duration
	}{
		{"", map[string]time.Duration{}},
		{"a;dur=1.5", map[string]time.Duration{"a": 1500 * time.Microsecond}},
		{"a;desc=\"x\";dur=2, b;dur=bad, c, d;dur=0.001", map[string]time.Duration{"a": 2 * time.Millisecond, "d": time.Microsecond}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Parse(tt.in), tt.in)
	}
}

package callstats

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestBounds(t *testing.T) {
	assert.Equal(t, time.Millisecond, bounds[0])
	assert.Equal(t, 2*time.Millisecond, bounds[4])
	assert.Equal(t, 1024*time.Millisecond, bounds[40])
	assert.Equal(t, 65536*time.Millisecond, bounds[numBounds-1])
	for i := 1; i < numBounds; i++ {
		ratio := float64(bounds[i]) / float64(bounds[i-1])
		assert.InDelta(t, math.Pow(2, 0.25), ratio, 1e-6, "bound %d", i)
	}
}

func TestBucketOf(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want int
	}{
		{0, 0},
		{time.Microsecond, 0},
		{time.Millisecond, 0},
		{time.Millisecond + 1, 1},
		{bounds[1], 1},
		{bounds[1] + 1, 2},
		{2 * time.Millisecond, 4},
		{time.Second, 40}, // 1.000 s is in (0.861 s, 1.024 s]
		{65536 * time.Millisecond, numBounds - 1},
		{65536*time.Millisecond + 1, numBuckets - 1},
		{time.Hour, numBuckets - 1},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, bucketOf(tt.d), "%s", tt.d)
	}
}

func seriesOf(ds ...time.Duration) *series {
	var s series
	for _, d := range ds {
		s.add(bucketOf(d), 0, d)
	}
	return &s
}

func repeat(d time.Duration, n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d
	}
	return out
}

func TestQuantile(t *testing.T) {
	ms := time.Millisecond
	// 1..100 ms, one each: the 50th is 50 ms, in bucket 23 (45.3, 53.8 ms];
	// the 99th is 99 ms, in bucket 27 (90.5, 107.6 ms], whose bound is
	// clamped to the largest value, 100 ms.
	var hundred []time.Duration
	for i := 1; i <= 100; i++ {
		hundred = append(hundred, time.Duration(i)*ms)
	}
	// 98 calls of 10 ms (bucket 14: 9.51, 11.31 ms]) and two slow ones: the
	// 99th smallest is 2 s, in bucket 44 (1.72, 2.048 s].
	mixed := append(repeat(10*ms, 98), 2*time.Second, 3*time.Second)
	tests := []struct {
		name string
		in   []time.Duration
		q    float64
		want time.Duration
	}{
		{"nothing counted", nil, 0.5, 0},
		{"one value is every quantile", []time.Duration{7 * ms}, 0.5, 7 * ms},
		{"one value p99", []time.Duration{7 * ms}, 0.99, 7 * ms},
		{"clamped to max below 1 ms", []time.Duration{300 * time.Microsecond, 400 * time.Microsecond}, 0.5, 400 * time.Microsecond},
		{"median of 1..100 ms", hundred, 0.5, bounds[23]},
		{"p99 of 1..100 ms", hundred, 0.99, 100 * ms},
		{"p100 is the max", hundred, 1, 100 * ms},
		{"p50 of a slow tail", mixed, 0.5, bounds[14]},
		{"p99 of a slow tail", mixed, 0.99, 2048 * ms},
		{"beyond the largest bound", []time.Duration{2 * time.Minute, 3 * time.Minute}, 0.99, 3 * time.Minute},
		{"exact bound", []time.Duration{4 * ms, 4 * ms, 4 * ms}, 0.5, 4 * ms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := seriesOf(tt.in...).quantile(tt.q)
			assert.Equal(t, tt.want, got)
		})
	}
}

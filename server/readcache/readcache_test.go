package readcache

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestRememberedUntilTheTTL(t *testing.T) {
	now := time.Unix(1000, 0)
	c := New(10*time.Second, func() time.Time { return now })
	assert.False(t, c.Allowed("u", "c"), "nothing remembered")
	c.Remember("u", "c")
	assert.True(t, c.Allowed("u", "c"))
	assert.False(t, c.Allowed("u", "other"))
	assert.False(t, c.Allowed("v", "c"))
	now = now.Add(10*time.Second - time.Nanosecond)
	assert.True(t, c.Allowed("u", "c"))
	now = now.Add(time.Nanosecond)
	assert.False(t, c.Allowed("u", "c"), "expired at the TTL")
}

func TestForget(t *testing.T) {
	tests := []struct {
		name           string
		user, channel  string
		wantUC, wantUD bool
		wantVC         bool
	}{
		{"one channel of a user", "u", "c", false, true, true},
		{"every channel of a user", "u", "", false, false, true},
		{"another user", "w", "", true, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(time.Minute, nil)
			c.Remember("u", "c")
			c.Remember("u", "d")
			c.Remember("v", "c")
			c.Forget(tt.user, tt.channel)
			assert.Equal(t, tt.wantUC, c.Allowed("u", "c"))
			assert.Equal(t, tt.wantUD, c.Allowed("u", "d"))
			assert.Equal(t, tt.wantVC, c.Allowed("v", "c"))
		})
	}
	c := New(time.Minute, nil)
	c.Remember("u", "c")
	c.Clear()
	assert.False(t, c.Allowed("u", "c"))
}

func TestBounded(t *testing.T) {
	now := time.Unix(1000, 0)
	c := New(time.Minute, func() time.Time { return now })
	for i := 0; i < maxEntries; i++ {
		c.Remember(fmt.Sprint("u", i), "c")
	}
	now = now.Add(time.Hour) // all expired: they make room
	c.Remember("new", "c")
	assert.Len(t, c.m, 1)
	for i := 0; i < 2*maxEntries; i++ {
		c.Remember(fmt.Sprint("w", i), "c")
	}
	assert.LessOrEqual(t, len(c.m), maxEntries)
	assert.True(t, c.Allowed(fmt.Sprint("w", 2*maxEntries-1), "c"), "the newest is kept")
}

func TestConcurrentUse(t *testing.T) {
	c := New(time.Minute, nil)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 200; j++ {
				c.Remember("u", fmt.Sprint(j))
				c.Allowed("u", fmt.Sprint(j))
				c.Forget("u", "")
			}
		}()
	}
	wg.Wait()
}

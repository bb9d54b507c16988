//go:build linux

package lambdalocal

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestShutdown is not parallel: it checks that no goroutine of the package
// survives the server.
func TestShutdown(t *testing.T) {
	ts := startServer(t, Config{ShutdownGrace: 200 * time.Millisecond})
	ts.deploy(t, "stop", "", FunctionConfig{Timeout: 120})
	c := ts.client(noRetries)

	spawned := invoke(t, c, "stop", map[string]string{"action": "spawn"})
	require.NotZero(t, spawned.Response.ChildPID)

	// One invocation still running when the server stops.
	started := filepath.Join(t.TempDir(), "started")
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = invokeErr(c, "stop", map[string]string{"action": "wait", "path": "/nonexistent", "started": started})
	}()
	waitFor(t, "the long invocation to start", func() bool { return fileExists(started) })
	data, err := os.ReadFile(started)
	require.NoError(t, err)
	busyPID, err := strconv.Atoi(string(data))
	require.NoError(t, err)

	require.NoError(t, ts.stop())
	wg.Wait()

	// SIGKILL to the group is delivered asynchronously: the handlers were
	// waited for, but a handler's child belongs to init once its parent is
	// gone, so it may still be on its way out when Close returns.
	for what, pid := range map[string]int{
		"idle handler":              spawned.Response.PID,
		"child of a handler":        spawned.Response.ChildPID,
		"handler of a running call": busyPID,
	} {
		waitFor(t, fmt.Sprintf("%s (pid %d) to be killed", what, pid), func() bool { return processGone(pid) })
	}
	assert.NoFileExists(t, ts.runDir, "the extracted code is removed")
	assert.NoError(t, ts.Close(), "Close may be called again")

	var leaked []string
	waitFor(t, "goroutines to end", func() bool {
		leaked = packageGoroutines()
		return len(leaked) == 0
	})
	assert.Empty(t, leaked)
}

// packageGoroutines returns the stacks of goroutines running code of this
// package (outside its tests).
func packageGoroutines() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var found []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		for _, line := range strings.Split(g, "\n") {
			line = strings.TrimSpace(line)
			if strings.Contains(line, "/internal/lambdalocal/") && !strings.Contains(line, "_test.go:") {
				found = append(found, g)
				break
			}
		}
	}
	return found
}

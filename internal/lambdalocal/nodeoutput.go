package lambdalocal

import (
	"bytes"
	"time"
)

// Output barrier of the Node.js runtime client: before it posts an
// invocation's outcome it writes outputMarker + request ID + "\n" to its
// output, which stdout and stderr share. Lines are read in order, so once
// the marker is seen every line the invocation printed has been attributed
// to it, and the invoke answer's log tail is complete. Handlers that never
// write the marker (Go binaries) are not waited for.
var outputMarker = []byte("\x00lambda-local:output-flushed:")

// outputBarrierTimeout bounds the wait for the marker, in case the process
// cannot write it (e.g. its stdout was closed by the handler).
const outputBarrierTimeout = 2 * time.Second

// outputBarrier tracks the markers seen on one process's output.
type outputBarrier struct {
	last string        // request ID of the last marker seen
	seen chan struct{} // closed and replaced when a marker is seen
}

func newOutputBarrier() *outputBarrier {
	return &outputBarrier{seen: make(chan struct{})}
}

// splitMarker separates a marker from an output line: it returns the text
// before the marker (a line the handler left unterminated) and the request
// ID of the marker, ok false when the line has none.
func splitMarker(line []byte) (before []byte, id string, ok bool) {
	i := bytes.Index(line, outputMarker)
	if i < 0 {
		return line, "", false
	}
	return line[:i], string(line[i+len(outputMarker):]), true
}

// markerSeen records a marker. in.mu must be held.
func (b *outputBarrier) markerSeenLocked(id string) {
	b.last = id
	close(b.seen)
	b.seen = make(chan struct{})
}

// awaitOutput waits until the process's output up to the marker of the
// invocation id has been read, for processes that write markers (Node.js).
func (in *instance) awaitOutput(id string) {
	if in.barrier == nil {
		return
	}
	in.mu.Lock()
	current := in.current != nil && in.current.id == id
	in.mu.Unlock()
	if !current { // the request is refused anyway
		return
	}
	timer := time.NewTimer(outputBarrierTimeout)
	defer timer.Stop()
	for {
		in.mu.Lock()
		if in.barrier.last == id {
			in.mu.Unlock()
			return
		}
		seen := in.barrier.seen
		in.mu.Unlock()
		select {
		case <-seen:
		case <-in.exited:
			return
		case <-timer.C:
			in.log.Warn("handler output barrier not seen; the invocation's log may miss its last lines", "request_id", id)
			return
		}
	}
}

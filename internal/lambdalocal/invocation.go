package lambdalocal

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// invocation is one request to run a function.
type invocation struct {
	id            string
	payload       []byte
	invokedARN    string
	traceID       string
	clientContext string // decoded JSON from X-Amz-Client-Context
	timeout       time.Duration
	logs          *logBuffer

	started  chan struct{} // closed when a handler process took it
	deadline time.Time     // set before started is closed
	done     chan result   // receives the outcome reported by the runtime; buffered
}

// result is the outcome of an invocation.
type result struct {
	payload []byte
	// functionError is "" for success, else the X-Amz-Function-Error value.
	functionError string
	// err, when set, is answered instead of a payload (e.g. shutdown).
	err *apiError
	// healthy reports whether the process may serve another invocation.
	healthy bool
}

// errorResult is a failed invocation with an AWS-style error payload.
func errorResult(errorType, format string, args ...any) result {
	fe := functionError{ErrorType: errorType, ErrorMessage: fmt.Sprintf(format, args...)}
	return result{payload: fe.payload(), functionError: "Unhandled"}
}

func newInvocation(payload []byte, invokedARN string, timeout time.Duration) *invocation {
	return &invocation{
		id:         newRequestID(),
		payload:    payload,
		invokedARN: invokedARN,
		traceID:    newTraceID(),
		timeout:    timeout,
		logs:       &logBuffer{},
		started:    make(chan struct{}),
		done:       make(chan result, 1),
	}
}

// timeoutResult is the answer for an invocation that ran out of time.
func (inv *invocation) timeoutResult() result {
	secs := strconv.FormatFloat(inv.timeout.Seconds(), 'f', 2, 64)
	inv.logs.printf("%s RequestId: %s Task timed out after %s seconds", time.Now().UTC().Format(time.RFC3339Nano), inv.id, secs)
	return errorResult("Sandbox.Timedout", "RequestId: %s Error: Task timed out after %s seconds", inv.id, secs)
}

// newRequestID returns a random UUID (version 4), like Lambda request IDs.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// newTraceID returns an X-Ray trace header value.
func newTraceID() string {
	var b [20]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return fmt.Sprintf("Root=1-%08x-%s;Parent=%s;Sampled=0", time.Now().Unix(), h[:24], h[24:40])
}

// logBuffer collects the log lines of one invocation for X-Amz-Log-Result.
type logBuffer struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	sink *cwStream // also receives every line (see cwlogs.go); may be nil
}

// maxLogBuffer bounds what is kept per invocation; AWS returns the last 4 KB.
const (
	maxLogBuffer = 64 << 10
	logTailSize  = 4 << 10
)

func (l *logBuffer) write(line []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buf.Len()+len(line)+1 > maxLogBuffer {
		keep := l.tailLocked(maxLogBuffer / 2)
		l.buf.Reset()
		l.buf.Write(keep)
	}
	l.buf.Write(line)
	l.buf.WriteByte('\n')
	l.sink.write(line)
}

func (l *logBuffer) printf(format string, args ...any) {
	l.write(fmt.Appendf(nil, format, args...))
}

// tail returns the last 4 KB.
func (l *logBuffer) tail() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.tailLocked(logTailSize))
}

func (l *logBuffer) tailLocked(n int) []byte {
	b := l.buf.Bytes()
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return b
}

// Package asynclog writes log lines from a goroutine of its own. A plugin's
// log line is an RPC to the server; on the hot path (one line per app call)
// that round trip would be paid by the user waiting for the call. Lines keep
// their order; when the buffer is full they are dropped and counted, never
// waited for.
package asynclog

import (
	"sync"
	"sync/atomic"
)

// Target is the logger lines are written to (the pluginapi logger).
type Target interface {
	Debug(message string, keyValuePairs ...any)
	Info(message string, keyValuePairs ...any)
	Warn(message string, keyValuePairs ...any)
	Error(message string, keyValuePairs ...any)
}

type level int

const (
	debug level = iota
	info
	warn
	errorLevel
)

type line struct {
	level level
	msg   string
	kv    []any
}

// Logger buffers lines for a Target. Its zero value is not usable: use New.
type Logger struct {
	target  Target
	lines   chan line
	dropped atomic.Int64
	done    chan struct{}
	close   sync.Once
}

// New starts a Logger with room for size lines.
func New(target Target, size int) *Logger {
	l := &Logger{target: target, lines: make(chan line, size), done: make(chan struct{})}
	go l.run()
	return l
}

func (l *Logger) run() {
	defer close(l.done)
	for ln := range l.lines {
		switch ln.level {
		case debug:
			l.target.Debug(ln.msg, ln.kv...)
		case info:
			l.target.Info(ln.msg, ln.kv...)
		case warn:
			l.target.Warn(ln.msg, ln.kv...)
		default:
			l.target.Error(ln.msg, ln.kv...)
		}
	}
}

// Debug logs at debug level.
func (l *Logger) Debug(msg string, kv ...any) { l.put(line{debug, msg, kv}) }

// Info logs at info level.
func (l *Logger) Info(msg string, kv ...any) { l.put(line{info, msg, kv}) }

// Warn logs at warn level.
func (l *Logger) Warn(msg string, kv ...any) { l.put(line{warn, msg, kv}) }

// Error logs at error level.
func (l *Logger) Error(msg string, kv ...any) { l.put(line{errorLevel, msg, kv}) }

// Dropped is the number of lines dropped because the buffer was full.
func (l *Logger) Dropped() int64 { return l.dropped.Load() }

func (l *Logger) put(ln line) {
	defer func() {
		if recover() != nil { // closed: the plugin is stopping
			l.dropped.Add(1)
		}
	}()
	select {
	case l.lines <- ln:
	default:
		l.dropped.Add(1)
	}
}

// Close writes the buffered lines and stops; later lines are dropped. It
// reports how many lines were dropped in all.
func (l *Logger) Close() int64 {
	l.close.Do(func() { close(l.lines) })
	<-l.done
	return l.dropped.Load()
}

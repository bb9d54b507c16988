package lambdalocal

import "bytes"

// maxLineLength splits overly long output lines.
const maxLineLength = 16 << 10

// lineWriter splits a process's output into lines. exec.Cmd writes to it
// from a single goroutine, so it needs no locking.
type lineWriter struct {
	emit func(line []byte)
	buf  []byte
}

// Write implements io.Writer.
func (w *lineWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		w.emit(bytes.TrimSuffix(w.buf[:i], []byte("\r")))
		w.buf = w.buf[i+1:]
	}
	for len(w.buf) >= maxLineLength {
		w.emit(w.buf[:maxLineLength])
		w.buf = w.buf[maxLineLength:]
	}
	if len(w.buf) == 0 {
		w.buf = nil // let a large backing array go
	}
	return len(p), nil
}

// flush emits an unterminated last line. Call it after the process exited.
func (w *lineWriter) flush() {
	if len(w.buf) > 0 {
		w.emit(w.buf)
		w.buf = nil
	}
}

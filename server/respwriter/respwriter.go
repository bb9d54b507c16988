// Package respwriter adapts the response writer the plugin bridge hands to
// ServeHTTP. There, the first Header() call is a round trip to the server
// (it fetches the header map the server's writer holds), made when the
// handler writes its answer, after all its work. HeaderAhead makes that
// round trip as the request starts, while the handler reads the body, checks
// and calls the app; the answer then goes out without waiting for it.
package respwriter

import (
	"net/http"
)

// HeaderAhead starts fetching w's header map in the background and returns
// a writer whose methods wait for it, and done, which waits for it too:
// call it (defer) before ServeHTTP returns, so the fetch never outlives the
// request.
func HeaderAhead(w http.ResponseWriter) (http.ResponseWriter, func()) {
	a := &ahead{w: w, ready: make(chan struct{})}
	go func() {
		defer close(a.ready)
		_ = w.Header()
	}()
	return a, func() { <-a.ready }
}

// ahead is a ResponseWriter whose header map is being fetched: every method
// waits until it is, so the writer below is never used by two goroutines.
type ahead struct {
	w     http.ResponseWriter
	ready chan struct{}
}

func (a *ahead) Header() http.Header {
	<-a.ready
	return a.w.Header()
}

func (a *ahead) Write(b []byte) (int, error) {
	<-a.ready
	return a.w.Write(b)
}

func (a *ahead) WriteHeader(code int) {
	<-a.ready
	a.w.WriteHeader(code)
}

// Flush flushes what was written when the writer below can (the bridge's
// can: the compatibility path streams forwarded answers).
func (a *ahead) Flush() {
	<-a.ready
	if f, ok := a.w.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap gives http.ResponseController the writer below.
func (a *ahead) Unwrap() http.ResponseWriter {
	<-a.ready
	return a.w
}

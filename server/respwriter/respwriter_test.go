package respwriter

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bridgeWriter behaves like the plugin bridge's writer: Header() fetches
// the map once, slowly, and is not safe for concurrent first calls.
type bridgeWriter struct {
	*httptest.ResponseRecorder
	fetched atomic.Int32
	header  http.Header
	release chan struct{}
}

func (b *bridgeWriter) Header() http.Header {
	if b.header == nil {
		b.fetched.Add(1)
		<-b.release
		b.header = b.ResponseRecorder.Header()
	}
	return b.header
}

func TestHeaderIsFetchedAheadAndOnce(t *testing.T) {
	bw := &bridgeWriter{ResponseRecorder: httptest.NewRecorder(), release: make(chan struct{})}
	w, done := HeaderAhead(bw)
	require.Eventually(t, func() bool { return bw.fetched.Load() == 1 }, 5*time.Second, time.Millisecond,
		"the fetch starts before the handler asks")

	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{}`))
	}()
	select {
	case <-wrote:
		t.Fatal("the handler wrote before the header map arrived")
	case <-time.After(20 * time.Millisecond):
	}
	close(bw.release)
	<-wrote
	done()
	assert.EqualValues(t, 1, bw.fetched.Load(), "fetched once")
	assert.Equal(t, http.StatusCreated, bw.Code)
	assert.Equal(t, "application/json", bw.ResponseRecorder.Header().Get("Content-Type"))
	assert.Equal(t, `{}`, bw.Body.String())
}

func TestFlushAndUnwrap(t *testing.T) {
	rec := httptest.NewRecorder()
	w, done := HeaderAhead(rec)
	defer done()
	_, _ = w.Write([]byte("x"))
	require.NoError(t, http.NewResponseController(w).Flush())
	assert.True(t, rec.Flushed)
	w.(http.Flusher).Flush()
}

func TestConcurrentUseUnderRace(t *testing.T) {
	w, done := HeaderAhead(httptest.NewRecorder())
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); _ = w.Header() }()
	}
	wg.Wait()
	done()
}

package httpjson

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readCounter counts the Reads of a body (each one a round trip in a
// plugin) and gives at most chunk bytes per Read.
type readCounter struct {
	r     io.Reader
	chunk int
	reads int
}

func (c *readCounter) Read(p []byte) (int, error) {
	c.reads++
	if c.chunk > 0 && len(p) > c.chunk {
		p = p[:c.chunk]
	}
	return c.r.Read(p)
}

func (c *readCounter) Close() error { return nil }

func TestReadBody(t *testing.T) {
	const body = `{"path":"/greet"}`
	tests := []struct {
		name      string
		header    string // Content-Length header ("" none: chunked)
		body      string
		limit     int64
		chunk     int
		want      string
		wantErr   error
		anyErr    bool
		wantReads int // 0: not checked
	}{
		{"announced: one read", "17", body, 100, 0, body, nil, false, 1},
		{"announced, arriving in pieces", "17", body, 100, 5, body, nil, false, 4},
		{"announced at the limit", "17", body, 17, 0, body, nil, false, 1},
		{"announced over the limit: not read", "18", body + " ", 17, 0, "", ErrTooLarge, false, -1},
		{"announced longer than sent", "40", body, 100, 0, "", nil, true, 0},
		{"not announced", "", body, 100, 0, body, nil, false, 2},
		{"not announced, over the limit", "", body, 10, 0, "", ErrTooLarge, false, 0},
		{"not a number", "x", body, 100, 0, body, nil, false, 0},
		{"empty", "", "", 100, 0, "", nil, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", nil)
			rc := &readCounter{r: strings.NewReader(tt.body), chunk: tt.chunk}
			r.Body, r.ContentLength = rc, 0 // as the plugin bridge hands it over
			if tt.header != "" {
				r.Header.Set("Content-Length", tt.header)
			}
			got, err := ReadBody(r, tt.limit)
			switch {
			case tt.wantErr != nil:
				require.ErrorIs(t, err, tt.wantErr)
			case tt.anyErr:
				require.Error(t, err)
				assert.True(t, errors.Is(err, io.ErrUnexpectedEOF), err.Error())
			default:
				require.NoError(t, err)
				assert.Equal(t, tt.want, string(got))
			}
			switch {
			case tt.wantReads > 0:
				assert.Equal(t, tt.wantReads, rc.reads)
			case tt.wantReads < 0:
				assert.Zero(t, rc.reads)
			}
		})
	}
	got, err := ReadBody(httptest.NewRequest(http.MethodGet, "/", http.NoBody), 10)
	require.NoError(t, err)
	assert.Empty(t, got)
}

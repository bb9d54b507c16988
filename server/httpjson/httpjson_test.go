package httpjson

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/server/failure"
)

// countingWriter counts the ResponseWriter calls that are round trips in
// a plugin.
type countingWriter struct {
	*httptest.ResponseRecorder
	headers, writeHeaders, writes int
}

func (c *countingWriter) Header() http.Header { c.headers++; return c.ResponseRecorder.Header() }
func (c *countingWriter) WriteHeader(code int) {
	c.writeHeaders++
	c.ResponseRecorder.WriteHeader(code)
}

func (c *countingWriter) Write(b []byte) (int, error) {
	c.writes++
	return c.ResponseRecorder.Write(b)
}

func TestWrite(t *testing.T) {
	tests := []struct {
		name             string
		write            func(w http.ResponseWriter)
		code             int
		body             string
		wantWriteHeaders int
	}{
		{"a value", func(w http.ResponseWriter) { Write(w, http.StatusOK, map[string]int{"a": 1}) }, 200, `{"a":1}`, 0},
		{"another status", func(w http.ResponseWriter) { Write(w, http.StatusCreated, []int{1}) }, 201, `[1]`, 1},
		{"an error", func(w http.ResponseWriter) { Error(w, http.StatusBadRequest, errors.New("bad <x>")) }, 400, `{"error":"bad \u003cx\u003e"}`, 1},
		{"a failure", func(w http.ResponseWriter) { Failure(w, failure.New(failure.Forbidden, "no")) }, 403, `{"error":"no"}`, 1},
		{"a value that cannot be encoded", func(w http.ResponseWriter) { Write(w, http.StatusOK, func() {}) }, 500, `{"error":"could not encode the answer"}`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &countingWriter{ResponseRecorder: httptest.NewRecorder()}
			tt.write(w)
			assert.Equal(t, tt.code, w.Code)
			assert.JSONEq(t, tt.body, w.Body.String())
			assert.Equal(t, "application/json", w.Result().Header.Get("Content-Type"))
			assert.Equal(t, "nosniff", w.Result().Header.Get("X-Content-Type-Options"))
			require.Equal(t, 1, w.writes, "one Write")
			assert.Equal(t, 1, w.headers, "the header map fetched once")
			assert.Equal(t, tt.wantWriteHeaders, w.writeHeaders)
		})
	}
}

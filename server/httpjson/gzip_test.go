package httpjson

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"gzip, deflate, br", true},
		{"br;q=1.0, GZIP;q=0.5", true},
		{"deflate", false},
		{"gzip;q=0", false},
		{"gzip; q=0.0", false},
		{"*", true},
		{"*;q=0", false},
		{"*, gzip;q=0", false},
		{"identity", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, acceptsGzip(tt.header), tt.header)
	}
}

func TestLargeAnswersAreCompressed(t *testing.T) {
	unencodable := httptest.NewRecorder()
	NewAnswer(httptest.NewRequest(http.MethodGet, "/", nil), func() {}).Write(unencodable)
	assert.Equal(t, http.StatusInternalServerError, unencodable.Code, "as Write")

	large := map[string]string{"data": strings.Repeat("binding ", gzipMin/8+1)}
	small := map[string]string{"data": "small"}
	tests := []struct {
		name     string
		data     map[string]string
		accept   string
		wantGzip bool
	}{
		{"large, gzip accepted", large, "gzip, deflate", true},
		{"large, gzip not accepted", large, "", false},
		{"small", small, "gzip", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			if tt.accept != "" {
				r.Header.Set("Accept-Encoding", tt.accept)
			}
			w := httptest.NewRecorder()
			NewAnswer(r, tt.data).Write(w)
			assert.Equal(t, http.StatusOK, w.Code)
			assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
			body := w.Body.Bytes()
			want, err := json.Marshal(tt.data)
			require.NoError(t, err)
			want = append(want, '\n')
			if !tt.wantGzip {
				assert.Empty(t, w.Header().Get("Content-Encoding"))
				assert.Equal(t, want, body)
				return
			}
			assert.Equal(t, "gzip", w.Header().Get("Content-Encoding"))
			assert.Contains(t, w.Header().Values("Vary"), "Accept-Encoding")
			assert.Less(t, len(body), len(want)/10, "repetitive JSON compresses")
			zr, err := gzip.NewReader(bytes.NewReader(body))
			require.NoError(t, err)
			got, err := io.ReadAll(zr)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
}

package lambdainvoke

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEncodeEvent(t *testing.T) {
	payload, err := EncodeEvent("/ping", []byte(`{"path":"/ping","context":{"app_id":"hello"}}`))
	require.NoError(t, err)
	assert.JSONEq(t, `{"path":"/ping","httpMethod":"POST","headers":{"Content-Type":"application/json"},
		"body":"{\"path\":\"/ping\",\"context\":{\"app_id\":\"hello\"}}"}`, string(payload))

	_, err = EncodeEvent("/x", []byte{0xff, 0xfe})
	require.Error(t, err)
}

func TestDecodeResponse(t *testing.T) {
	tests := []struct {
		name, payload, want, wantErr string
		status                       int
	}{
		{"ok", `{"statusCode":200,"headers":{},"body":"{\"type\":\"ok\"}"}`, `{"type":"ok"}`, "", 0},
		{"base64", `{"statusCode":200,"isBase64Encoded":true,"body":"eyJ0eXBlIjoib2sifQ=="}`, `{"type":"ok"}`, "", 0},
		{"bad base64", `{"statusCode":200,"isBase64Encoded":true,"body":"%%%"}`, "", "not base64", 0},
		{"404", `{"statusCode":404,"body":"404 page not found\n"}`, "", "the app answered with HTTP status 404: 404 page not found", 404},
		{"500 long body", `{"statusCode":500,"body":"` + strings.Repeat("x", 500) + `"}`, "", "…", 500},
		{"not json", `Task timed out`, "", "not an API Gateway style response", 0},
		{"no status", `{"errorMessage":"boom"}`, "", "no statusCode", 0},
		{"empty body ok", `{"statusCode":200}`, "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := DecodeResponse([]byte(tt.payload))
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				var se *StatusError
				if tt.status != 0 {
					require.True(t, errors.As(err, &se))
					assert.Equal(t, tt.status, se.StatusCode)
					assert.LessOrEqual(t, len(se.Excerpt), excerptLen+len("…"))
				} else {
					assert.ErrorIs(t, err, ErrBadResponse)
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(body))
		})
	}
}

func TestExcerpt(t *testing.T) {
	assert.Equal(t, "a b c", Excerpt([]byte("a\nb\tc")))
	long := Excerpt([]byte(strings.Repeat("é", 300)))
	assert.True(t, strings.HasSuffix(long, "…"))
	assert.LessOrEqual(t, len(long), excerptLen+len("…"))
}

func FuzzDecodeResponse(f *testing.F) {
	for _, seed := range []string{
		`{"statusCode":200,"body":"{}"}`,
		`{"statusCode":200,"isBase64Encoded":true,"body":"e30="}`,
		`{"statusCode":500,"body":"oops"}`,
		`{"errorType":"Runtime.ExitError","errorMessage":"exit status 2"}`,
		`null`, `[]`, `"x"`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		body, err := DecodeResponse(payload)
		if err == nil {
			// A successful decode always came from a status 200 envelope.
			var r Response
			if json.Unmarshal(payload, &r) != nil || r.StatusCode != 200 {
				t.Fatalf("accepted %q", payload)
			}
			_ = body
		}
		_ = Excerpt(payload)
	})
}

func BenchmarkEncodeDecode(b *testing.B) {
	creq := []byte(`{"path":"/greet","values":{"name":"bench"},"context":{"app_id":"hello","channel_id":"c1","acting_user":{"id":"u1","username":"ada"}}}`)
	resp := []byte(`{"statusCode":200,"headers":{"Content-Type":"application/json"},"body":"{\"type\":\"ok\",\"text\":\"Hello, bench!\"}"}`)
	for range b.N {
		if _, err := EncodeEvent("/greet", creq); err != nil {
			b.Fatal(err)
		}
		if _, err := DecodeResponse(resp); err != nil {
			b.Fatal(err)
		}
	}
}

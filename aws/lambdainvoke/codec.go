// Package lambdainvoke calls app functions on AWS Lambda: the API Gateway
// v1-style payload codec the Apps framework uses, and an invoke client with
// limits, throttling retries and actionable errors.
package lambdainvoke

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Size limits (AWS: 6 MB synchronous, 256 KB asynchronous).
const (
	MaxSyncPayload     = 6 * 1024 * 1024
	MaxEventPayload    = 256 * 1024
	MaxResponsePayload = 6*1024*1024 + 64*1024 // AWS's 6 MB plus envelope slack
	excerptLen         = 200
)

// Event is the request payload: an API Gateway v1-style proxy event whose
// body is the CallRequest JSON as a string.
type Event struct {
	Path       string            `json:"path"`
	HTTPMethod string            `json:"httpMethod"`
	Headers    map[string]string `json:"headers"`
	Body       string            `json:"body"`
}

// EncodeEvent builds the payload for a call to path with the given
// CallRequest JSON.
func EncodeEvent(path string, callRequest []byte) ([]byte, error) {
	if !utf8.Valid(callRequest) {
		return nil, errors.New("call request is not valid UTF-8")
	}
	return json.Marshal(Event{
		Path:       path,
		HTTPMethod: "POST",
		Headers:    map[string]string{"Content-Type": "application/json"},
		Body:       string(callRequest),
	})
}

// Response is the payload a function answers with.
type Response struct {
	StatusCode      int               `json:"statusCode"`
	Headers         map[string]string `json:"headers"`
	IsBase64Encoded bool              `json:"isBase64Encoded"`
	Body            string            `json:"body"`
}

// StatusError is a function answer with a status other than 200.
type StatusError struct {
	StatusCode int
	Excerpt    string
}

func (e *StatusError) Error() string {
	if e.Excerpt == "" {
		return fmt.Sprintf("the app answered with HTTP status %d", e.StatusCode)
	}
	return fmt.Sprintf("the app answered with HTTP status %d: %s", e.StatusCode, e.Excerpt)
}

// ErrBadResponse is wrapped by errors about payloads that are not an API
// Gateway style response.
var ErrBadResponse = errors.New("the function's answer is not an API Gateway style response")

// DecodeResponse returns the body of a successful (status 200) response,
// base64-decoded when flagged.
func DecodeResponse(payload []byte) ([]byte, error) {
	var r Response
	if err := json.Unmarshal(payload, &r); err != nil {
		return nil, fmt.Errorf("%w (%w): %s", ErrBadResponse, err, Excerpt(payload))
	}
	body := []byte(r.Body)
	if r.IsBase64Encoded {
		decoded, err := base64.StdEncoding.DecodeString(r.Body)
		if err != nil {
			return nil, fmt.Errorf("%w: isBase64Encoded is set but the body is not base64: %w", ErrBadResponse, err)
		}
		body = decoded
	}
	switch {
	case r.StatusCode == 0:
		return nil, fmt.Errorf("%w: no statusCode in %s", ErrBadResponse, Excerpt(payload))
	case r.StatusCode != 200:
		return nil, &StatusError{StatusCode: r.StatusCode, Excerpt: Excerpt(body)}
	}
	return body, nil
}

// Excerpt shortens b to a printable one-line excerpt.
func Excerpt(b []byte) string {
	s := string(b)
	if len(s) > excerptLen {
		s = s[:excerptLen]
		for !utf8.ValidString(s) && len(s) > 0 {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r == '\n' || r == '\r' || r == '\t' {
			r = ' '
		}
		if r == utf8.RuneError || (r < 0x20) {
			continue
		}
		out = append(out, r)
	}
	return string(out)
}

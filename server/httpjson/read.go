package httpjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// ErrTooLarge is returned by ReadBody for a body over its limit.
var ErrTooLarge = errors.New("request body too large")

// ReadBody reads r's body, at most limit bytes (ErrTooLarge beyond).
//
// In a plugin every Read of a request body asks the server for that many
// bytes (a round trip), and a reader that does not know the length reads in
// growing pieces (io.ReadAll: 512 bytes, then more), a round trip each. So
// when the request says how long its body is (Content-Length; the plugin
// bridge drops r.ContentLength but keeps the header), exactly that many
// bytes are asked for at once, and a body announced over the limit is
// refused without reading it.
func ReadBody(r *http.Request, limit int64) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	n := r.ContentLength
	if n <= 0 {
		if v, err := strconv.ParseInt(r.Header.Get("Content-Length"), 10, 64); err == nil {
			n = v
		}
	}
	if n > limit {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, n, limit)
	}
	if n > 0 {
		buf := make([]byte, n)
		if _, err := io.ReadFull(r.Body, buf); err != nil {
			return nil, fmt.Errorf("read the request body (%d bytes announced): %w", n, err)
		}
		return buf, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read the request body: %w", err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: over %d bytes", ErrTooLarge, limit)
	}
	return b, nil
}

// DecodeBody reads r's JSON body into v: at most limit bytes (ErrTooLarge),
// read as ReadBody does.
func DecodeBody(r *http.Request, limit int64, v any) error {
	body, err := ReadBody(r, limit)
	if err != nil {
		return err
	}
	return json.Unmarshal(body, v)
}

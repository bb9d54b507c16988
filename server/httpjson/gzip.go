package httpjson

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// gzipMin is the size from which an answer is worth compressing: below it
// the header and the work cost more than the bytes saved.
const gzipMin = 8 << 10

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// Answer is an answer ready to be written: v's JSON with status 200 (500
// when v cannot be encoded, as Write), compressed with gzip when it is large
// (the bindings of many apps) and the request accepts gzip, as the server
// compresses its own API's answers. In a plugin the answer crosses the
// bridge to the server as well as the network, so fewer bytes help twice.
type Answer struct {
	code    int
	body    []byte
	gzipped bool
}

// NewAnswer encodes v as the answer to r.
func NewAnswer(r *http.Request, v any) Answer {
	code, data := encode(http.StatusOK, v)
	if len(data) < gzipMin || !acceptsGzip(r.Header.Get("Accept-Encoding")) {
		return Answer{code: code, body: data}
	}
	var buf bytes.Buffer
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(&buf)
	if _, err := zw.Write(data); err != nil || zw.Close() != nil {
		return Answer{code: code, body: data}
	}
	return Answer{code: code, body: buf.Bytes(), gzipped: true}
}

// Write writes the answer.
func (a Answer) Write(w http.ResponseWriter) {
	if a.gzipped {
		h := w.Header()
		h.Set("Content-Encoding", "gzip")
		h.Add("Vary", "Accept-Encoding")
		h.Set("Content-Length", strconv.Itoa(len(a.body)))
	}
	writeBody(w, a.code, a.body)
}

// acceptsGzip reports whether an Accept-Encoding value allows gzip: listed
// (or "*" when gzip is not) with a q above 0.
func acceptsGzip(v string) bool {
	gzipQ, starQ := -1.0, -1.0
	for _, part := range strings.Split(v, ",") {
		coding, params, _ := strings.Cut(part, ";")
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			if val, ok := strings.CutPrefix(strings.TrimSpace(p), "q="); ok {
				if f, err := strconv.ParseFloat(val, 64); err == nil {
					q = f
				}
			}
		}
		switch strings.ToLower(strings.TrimSpace(coding)) {
		case "gzip":
			gzipQ = q
		case "*":
			starQ = q
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return starQ > 0
}

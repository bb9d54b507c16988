// Package httpjson writes the plugin's JSON answers: a value, or an error
// as {"error": "..."} with the status and the message that package failure
// gives it.
package httpjson

import (
	"encoding/json"
	"net/http"

	"github.com/lambda-apps/lambda-apps/server/failure"
)

// Write writes v as JSON with the given status.
//
// In a plugin every method of the ResponseWriter is a round trip to the
// server (WriteHeader and each Write also send the headers again), so the
// answer goes out in one Write, and a 200 without WriteHeader (it is
// implied): three round trips instead of five.
func Write(w http.ResponseWriter, code int, v any) {
	code, body := encode(code, v)
	writeBody(w, code, body)
}

// encode is v's JSON and a newline, or a 500 error when v cannot be encoded.
func encode(code int, v any) (int, []byte) {
	body, err := json.Marshal(v)
	if err != nil {
		return http.StatusInternalServerError, []byte(`{"error":"could not encode the answer"}` + "\n")
	}
	return code, append(body, '\n')
}

// Raw writes data, already JSON, with status 200.
func Raw(w http.ResponseWriter, data []byte) { writeBody(w, http.StatusOK, data) }

func writeBody(w http.ResponseWriter, code int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	if code != http.StatusOK {
		w.WriteHeader(code)
	}
	_, _ = w.Write(body)
}

// Error writes {"error": err} with the given status. err's text is sent as
// it is: use it for messages the handler composed itself.
func Error(w http.ResponseWriter, code int, err error) {
	Write(w, code, map[string]string{"error": err.Error()})
}

// Failure writes err with the status of its kind and the message users may
// see (failure.Status, failure.Message).
func Failure(w http.ResponseWriter, err error) {
	Write(w, failure.Status(err), map[string]string{"error": failure.Message(err)})
}

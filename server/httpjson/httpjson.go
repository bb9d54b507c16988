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
func Write(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
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

package catalog

import (
	"net/http"
	"sync/atomic"
)

// countGets counts object downloads (GET requests on object keys).
func countGets(h http.Handler, n *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Query().Get("list-type") == "" && len(r.URL.Path) > len("/apps/") {
			n.Add(1)
		}
		h.ServeHTTP(w, r)
	})
}

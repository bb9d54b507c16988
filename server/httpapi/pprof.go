package httpapi

import (
	"net/http"
	"net/http/pprof"

	"github.com/gorilla/mux"
)

// pprofRoutes serves the plugin process's Go profiles to system admins
// (the plugin runs in a process of its own; the server's profiler does not
// see it): /api/v1/debug/pprof/ (index), /profile (CPU, ?seconds=),
// /trace, and the named profiles (heap, goroutine, allocs, block, mutex,
// threadcreate). `go tool pprof` reads them with the admin's token in an
// Authorization header.
func (a *api) pprofRoutes(v1 prefixed, admin func(http.HandlerFunc) http.Handler) {
	v1.Handle("/debug/pprof/", admin(pprof.Index)).Methods(http.MethodGet)
	v1.Handle("/debug/pprof/profile", admin(pprof.Profile)).Methods(http.MethodGet)
	v1.Handle("/debug/pprof/trace", admin(pprof.Trace)).Methods(http.MethodGet)
	v1.Handle("/debug/pprof/{name}", admin(func(w http.ResponseWriter, r *http.Request) {
		pprof.Handler(mux.Vars(r)["name"]).ServeHTTP(w, r)
	})).Methods(http.MethodGet)
}

package httpapi

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/failure"
	"github.com/lambda-apps/lambda-apps/server/httpjson"
)

// getStatic streams GET /api/v1/apps/{app_id}/static/{name...} from S3.
func (a *api) getStatic(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	appID, name := apps.AppID(vars["app_id"]), vars["name"]
	if err := appID.Validate(); err != nil {
		httpjson.Error(w, http.StatusBadRequest, fmt.Errorf("app_id: %w", err))
		return
	}
	if err := apps.ValidateStaticName(name); err != nil {
		httpjson.Error(w, http.StatusBadRequest, fmt.Errorf("asset name: %w", err))
		return
	}
	obj, err := a.Static.OpenStatic(r.Context(), appID, name, r.Header.Get("If-None-Match"))
	switch {
	case failure.KindOf(err) == failure.NotFound:
		httpjson.Error(w, http.StatusNotFound, fmt.Errorf("no static asset %q for app %s", name, appID))
		return
	case err != nil:
		a.Log.Warn("Static asset unavailable", "app_id", string(appID), "name", name, "error", err.Error())
		httpjson.Failure(w, err)
		return
	}
	defer obj.Body.Close()

	h := w.Header()
	if obj.ETag != "" {
		h.Set("ETag", obj.ETag)
	}
	// Keys include the app version, so an asset only changes with a redeploy
	// of the same version; a short private cache with revalidation is safe.
	h.Set("Cache-Control", "private, max-age=300")
	h.Set("X-Content-Type-Options", "nosniff")
	// Assets are data, never active content on the Mattermost origin.
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox")
	if obj.NotModified {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", contentType(obj.ContentType, name))
	if obj.Size > 0 {
		h.Set("Content-Length", strconv.FormatInt(obj.Size, 10))
	}
	if !obj.LastModified.IsZero() {
		h.Set("Last-Modified", obj.LastModified.UTC().Format(http.TimeFormat))
	}
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	buf := make([]byte, 32*1024)
	if _, err := io.CopyBuffer(w, obj.Body, buf); err != nil {
		a.Log.Debug("Static asset download interrupted", "app_id", string(appID), "name", name, "error", err.Error())
	}
}

// contentType prefers the object's stored type unless it is the generic
// default S3 gives untyped uploads, then the file extension.
func contentType(stored, name string) string {
	switch stored {
	case "", "binary/octet-stream", "application/octet-stream":
		if t := mime.TypeByExtension(strings.ToLower(path.Ext(name))); t != "" {
			return t
		}
		return "application/octet-stream"
	}
	return stored
}

package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeMattermost answers the requests the v1.2 driver makes: the Apps
// plugin's API at /plugins/com.mattermost.apps/api/v1/... and the REST
// API calls DM makes. Tokens map to users; admin is the only system admin.
type fakeMattermost struct {
	*httptest.Server
	mu         sync.Mutex
	kv         map[string]json.RawMessage // token user + path -> value
	oauth2App  map[string]any
	oauth2User map[string]json.RawMessage // user -> data
	subs       map[string][]map[string]any
	posts      []map[string]any
	requests   []string // "METHOD path as user"
}

var fakeUsers = map[string]string{"bot-token": "bot1", "admin-token": "admin1", "user-token": "user1"}

const appsAPI = "/plugins/com.mattermost.apps/api/v1"

func newFakeMattermost(t *testing.T) *fakeMattermost {
	f := &fakeMattermost{
		kv: map[string]json.RawMessage{}, oauth2User: map[string]json.RawMessage{}, subs: map[string][]map[string]any{},
	}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeMattermost) serve(w http.ResponseWriter, r *http.Request) {
	// The driver's Apps client sends "BEARER <token>", its model.Client4
	// "token <token>": Mattermost takes both.
	typ, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	user, ok := fakeUsers[token]
	if !ok || (!strings.EqualFold(typ, "bearer") && !strings.EqualFold(typ, "token")) {
		http.Error(w, `{"error":"no valid token"}`, http.StatusUnauthorized)
		return
	}
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.Method+" "+r.URL.Path+" as "+user)
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, appsAPI+"/kv/"):
		key := user + p
		switch r.Method {
		case http.MethodPost, http.MethodPut:
			_, had := f.kv[key]
			changed := !had || string(f.kv[key]) != string(body)
			f.kv[key] = body
			writeJSON(w, http.StatusOK, map[string]bool{"changed": changed})
		case http.MethodGet:
			if v, ok := f.kv[key]; ok {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(v)
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{})
		case http.MethodDelete:
			delete(f.kv, key)
			writeJSON(w, http.StatusOK, map[string]any{})
		}
	case p == appsAPI+"/oauth2/app" && r.Method == http.MethodPost:
		if user != "admin1" {
			http.Error(w, `{"error":"system admins only"}`, http.StatusForbidden)
			return
		}
		_ = json.Unmarshal(body, &f.oauth2App)
		writeJSON(w, http.StatusOK, map[string]any{})
	case p == appsAPI+"/oauth2/user" && r.Method == http.MethodGet:
		data, ok := f.oauth2User[user]
		if !ok {
			data = json.RawMessage("{}")
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(data)
	case p == appsAPI+"/oauth2/user" && r.Method == http.MethodPost:
		f.oauth2User[user] = body
		writeJSON(w, http.StatusOK, map[string]any{})
	case p == appsAPI+"/subscribe" && r.Method == http.MethodPost:
		var sub map[string]any
		_ = json.Unmarshal(body, &sub)
		f.subs[user] = append(f.subs[user], sub)
		writeJSON(w, http.StatusOK, map[string]any{})
	case p == appsAPI+"/subscribe" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, f.subs[user])
	case p == appsAPI+"/unsubscribe" && r.Method == http.MethodPost:
		var ev map[string]any
		_ = json.Unmarshal(body, &ev)
		kept := f.subs[user][:0]
		for _, s := range f.subs[user] {
			if s["subject"] != ev["subject"] || s["channel_id"] != ev["channel_id"] {
				kept = append(kept, s)
			}
		}
		f.subs[user] = kept
		writeJSON(w, http.StatusOK, map[string]any{})
	case p == "/api/v4/channels/direct" && r.Method == http.MethodPost:
		var ids []string
		_ = json.Unmarshal(body, &ids)
		writeJSON(w, http.StatusCreated, map[string]any{"id": "dm-" + strings.Join(ids, "-"), "type": "D"})
	case p == "/api/v4/posts" && r.Method == http.MethodPost:
		var post map[string]any
		_ = json.Unmarshal(body, &post)
		post["id"] = "post1"
		post["user_id"] = user
		f.posts = append(f.posts, post)
		writeJSON(w, http.StatusCreated, post)
	default:
		http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
	}
}

func (f *fakeMattermost) snapshot() (kv map[string]string, posts []map[string]any, requests []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	kv = map[string]string{}
	for k, v := range f.kv {
		kv[k] = string(v)
	}
	return kv, append([]map[string]any(nil), f.posts...), append([]string(nil), f.requests...)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// fakeProvider is a remote OAuth2 provider: /token exchanges goodCode for
// remoteToken when the client authenticates, /userinfo names the token's
// owner.
type fakeProvider struct {
	*httptest.Server
}

const (
	providerClientID     = "client-1234"
	providerClientSecret = "secret-5678"
	goodCode             = "code-ok"
	remoteToken          = "remote-access-token"
	remoteUsername       = "remote-alice"
)

func newFakeProvider(t *testing.T) *fakeProvider {
	mux := http.NewServeMux()
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if !ok || id != providerClientID || secret != providerClientSecret {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
			return
		}
		if err := r.ParseForm(); err != nil || r.PostForm.Get("code") != goodCode || r.PostForm.Get("grant_type") != "authorization_code" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"access_token": remoteToken, "token_type": "bearer", "expires_in": 3600})
	})
	mux.HandleFunc("/userinfo", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+remoteToken {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"username": remoteUsername})
	})
	p := &fakeProvider{Server: httptest.NewServer(mux)}
	t.Cleanup(p.Close)
	return p
}

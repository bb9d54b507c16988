package postbindings

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// signVersion prefixes signed actions, so the format can change later.
const signVersion = "pa1"

// keyLabel derives the in-post action key from the installation's secret,
// so that a signed action and a sealed dialog state (same secret) can never
// stand in for each other.
const keyLabel = "lambda-apps in-post action v1"

// ErrBadAction is returned for an action this plugin did not sign, or that
// was changed. Its text is shown to users.
var ErrBadAction = errors.New("this button was not made by Lambda Apps on this server, or was changed")

// Signer signs the actions of rendered in-post bindings with an HMAC
// (SHA-256) under a key derived from the installation's secret (the one
// the dialog states use, kept in the KV store and the same on every
// cluster node). The server keeps attachment contexts from clients, but
// any logged-in user can post to the plugin's action route directly: the
// signature is what keeps them from calling an app in another post's name.
// Signed actions do not expire: posts live as long as they are kept.
type Signer struct {
	// Secret returns the installation's secret.
	Secret func() (string, error)

	mu  sync.Mutex
	key []byte
}

// Sign returns the action as a signed string.
func (s *Signer) Sign(a Action) (string, error) {
	key, err := s.signingKey()
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(a)
	if err != nil {
		return "", fmt.Errorf("encode the in-post action: %w", err)
	}
	body := signVersion + "." + base64.RawURLEncoding.EncodeToString(payload)
	return body + "." + base64.RawURLEncoding.EncodeToString(mac(key, body)), nil
}

// Open checks a signed action and returns it; ErrBadAction when it was not
// signed here or was changed.
func (s *Signer) Open(raw string) (Action, error) {
	key, err := s.signingKey()
	if err != nil {
		return Action{}, err
	}
	cut := strings.LastIndexByte(raw, '.')
	if cut < 0 || !strings.HasPrefix(raw, signVersion+".") {
		return Action{}, ErrBadAction
	}
	body, sig := raw[:cut], raw[cut+1:]
	got, err := strict.DecodeString(sig)
	if err != nil || !hmac.Equal(got, mac(key, body)) {
		return Action{}, ErrBadAction
	}
	payload, err := strict.DecodeString(body[len(signVersion)+1:])
	if err != nil {
		return Action{}, ErrBadAction
	}
	var a Action
	if err := json.Unmarshal(payload, &a); err != nil || a.AppID == "" || a.Location == "" {
		return Action{}, ErrBadAction
	}
	return a, nil
}

var strict = base64.RawURLEncoding.Strict()

func mac(key []byte, body string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(body))
	return h.Sum(nil)
}

func (s *Signer) signingKey() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key != nil {
		return s.key, nil
	}
	if s.Secret == nil {
		return nil, errors.New("in-post actions cannot be signed: no secret configured")
	}
	secret, err := s.Secret()
	if err != nil {
		return nil, fmt.Errorf("read the signing key of in-post actions: %w", err)
	}
	if len(secret) < 32 {
		return nil, errors.New("the signing key of in-post actions is too short")
	}
	s.key = mac([]byte(secret), keyLabel)
	return s.key, nil
}

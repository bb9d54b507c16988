// Package signed packs a value that a client carries and the plugin must
// get back unchanged (dialog states, in-post button actions) as
// "<version>.<payload>.<mac>": the JSON payload and an HMAC-SHA256 of the
// version and payload, both base64url. Decoding is strict (one spelling per
// byte string), so a changed value never opens.
package signed

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

// ErrInvalid is returned by Open for a value not sealed with this key and
// version, or changed.
var ErrInvalid = errors.New("not signed here, or changed")

// Key is a signing key read once from the installation's secret (kept in
// the KV store, the same on every cluster node).
type Key struct {
	// Secret returns the installation's secret (at least 32 bytes).
	Secret func() (string, error)
	// Label, when set, derives the key as HMAC(secret, Label), so that
	// values of different kinds sealed under one secret can never stand in
	// for each other; "" uses the secret itself.
	Label string
	// What names what the key signs, in errors ("dialog states").
	What string

	mu  sync.Mutex
	key []byte
}

// Seal returns v sealed under k with version.
func (k *Key) Seal(version string, v any) (string, error) {
	key, err := k.bytes()
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode %s: %w", k.What, err)
	}
	body := version + "." + base64.RawURLEncoding.EncodeToString(payload)
	return body + "." + base64.RawURLEncoding.EncodeToString(mac(key, body)), nil
}

// Open checks raw, sealed under k with version, and decodes its payload
// into v. It fails with ErrInvalid when raw was not sealed so or changed,
// and with another error when the key cannot be read.
func (k *Key) Open(version, raw string, v any) error {
	key, err := k.bytes()
	if err != nil {
		return err
	}
	cut := strings.LastIndexByte(raw, '.')
	if cut < 0 || !strings.HasPrefix(raw, version+".") {
		return ErrInvalid
	}
	body, sig := raw[:cut], raw[cut+1:]
	got, err := strict.DecodeString(sig)
	if err != nil || !hmac.Equal(got, mac(key, body)) {
		return ErrInvalid
	}
	payload, err := strict.DecodeString(body[len(version)+1:])
	if err != nil || json.Unmarshal(payload, v) != nil {
		return ErrInvalid
	}
	return nil
}

var strict = base64.RawURLEncoding.Strict()

func mac(key []byte, body string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(body))
	return h.Sum(nil)
}

// bytes loads the key once; the secret never changes once created.
func (k *Key) bytes() ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key != nil {
		return k.key, nil
	}
	if k.Secret == nil {
		return nil, fmt.Errorf("%s cannot be signed: no secret configured", k.What)
	}
	secret, err := k.Secret()
	if err != nil {
		return nil, fmt.Errorf("read the signing key of %s: %w", k.What, err)
	}
	if len(secret) < 32 {
		return nil, fmt.Errorf("the signing key of %s is too short", k.What)
	}
	k.key = []byte(secret)
	if k.Label != "" {
		k.key = mac(k.key, k.Label)
	}
	return k.key, nil
}

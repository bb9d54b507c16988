package dialog

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// DefaultStateTTL is how long a dialog can stay open: its state is refused
// after that, and the user opens the form again.
const DefaultStateTTL = 2 * time.Hour

// sealVersion prefixes sealed states, so the format can change later.
const sealVersion = "v1"

// Errors of Open. Their texts are shown to users.
var (
	ErrBadState     = errors.New("this form was not opened by Lambda Apps on this server, or was changed; open it again")
	ErrExpiredState = errors.New("this form has expired; open it again")
	ErrOtherUser    = errors.New("this form was opened for another user")
)

// Sealer authenticates dialog states: Seal signs a state with an HMAC
// (SHA-256) under the installation's secret, bound to the user it is
// issued to and with an expiry; Open checks all three. The client holds
// the state but cannot change what the plugin will call, where, or as whom.
type Sealer struct {
	// Secret returns the installation's signing key (created once, kept in
	// the KV store, the same on every cluster node).
	Secret func() (string, error)
	// TTL is how long a sealed state is valid (DefaultStateTTL if zero).
	TTL time.Duration
	// Now is the clock (time.Now if nil).
	Now func() time.Time

	mu  sync.Mutex
	key []byte
}

// sealed is the signed payload.
type sealed struct {
	UserID  string `json:"u"`
	Expires int64  `json:"x"` // Unix seconds
	State   State  `json:"s"`
}

// Seal returns st as a string for userID that Open accepts until the TTL
// has passed.
func (s *Sealer) Seal(userID string, st State) (string, error) {
	key, err := s.signingKey()
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(sealed{UserID: userID, Expires: s.now().Add(s.ttl()).Unix(), State: st})
	if err != nil {
		return "", fmt.Errorf("encode the dialog state: %w", err)
	}
	body := sealVersion + "." + base64.RawURLEncoding.EncodeToString(payload)
	return body + "." + base64.RawURLEncoding.EncodeToString(mac(key, body)), nil
}

// Open checks a sealed state that userID sent back and returns the state.
// It fails with ErrBadState (not sealed here, or changed), ErrOtherUser or
// ErrExpiredState.
func (s *Sealer) Open(userID, raw string) (State, error) {
	key, err := s.signingKey()
	if err != nil {
		return State{}, err
	}
	cut := strings.LastIndexByte(raw, '.')
	if cut < 0 || !strings.HasPrefix(raw, sealVersion+".") {
		return State{}, ErrBadState
	}
	body, sig := raw[:cut], raw[cut+1:]
	// Strict: one spelling per byte string, so a changed state never opens.
	got, err := strict.DecodeString(sig)
	if err != nil || !hmac.Equal(got, mac(key, body)) {
		return State{}, ErrBadState
	}
	payload, err := strict.DecodeString(body[len(sealVersion)+1:])
	if err != nil {
		return State{}, ErrBadState
	}
	var p sealed
	if err := json.Unmarshal(payload, &p); err != nil {
		return State{}, ErrBadState
	}
	if p.UserID != userID {
		return State{}, ErrOtherUser
	}
	if !s.now().Before(time.Unix(p.Expires, 0)) {
		return State{}, ErrExpiredState
	}
	return p.State, nil
}

var strict = base64.RawURLEncoding.Strict()

func mac(key []byte, body string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(body))
	return h.Sum(nil)
}

// signingKey loads the secret once; it never changes once created.
func (s *Sealer) signingKey() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key != nil {
		return s.key, nil
	}
	if s.Secret == nil {
		return nil, errors.New("dialog states cannot be sealed: no secret configured")
	}
	secret, err := s.Secret()
	if err != nil {
		return nil, fmt.Errorf("read the dialog signing key: %w", err)
	}
	if len(secret) < 32 {
		return nil, errors.New("the dialog signing key is too short")
	}
	s.key = []byte(secret)
	return s.key, nil
}

func (s *Sealer) ttl() time.Duration {
	if s.TTL > 0 {
		return s.TTL
	}
	return DefaultStateTTL
}

func (s *Sealer) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

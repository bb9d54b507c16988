package dialog

import (
	"errors"
	"sync"
	"time"

	"github.com/lambda-apps/lambda-apps/server/signed"
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
// (SHA-256) under the installation's secret (package signed), bound to the
// user it is issued to and with an expiry; Open checks all three. The
// client holds the state but cannot change what the plugin will call,
// where, or as whom.
type Sealer struct {
	// Secret returns the installation's signing key (created once, kept in
	// the KV store, the same on every cluster node).
	Secret func() (string, error)
	// TTL is how long a sealed state is valid (DefaultStateTTL if zero).
	TTL time.Duration
	// Now is the clock (time.Now if nil).
	Now func() time.Time

	once sync.Once
	key  *signed.Key
}

// sealed is the signed payload.
type sealed struct {
	UserID  string `json:"u"`
	Expires int64  `json:"x"` // Unix seconds
	State   State  `json:"s"`
}

// signingKey is the key of the dialog states (the secret itself).
func (s *Sealer) signingKey() *signed.Key {
	s.once.Do(func() { s.key = &signed.Key{Secret: s.Secret, What: "dialog states"} })
	return s.key
}

// Seal returns st as a string for userID that Open accepts until the TTL
// has passed.
func (s *Sealer) Seal(userID string, st State) (string, error) {
	return s.signingKey().Seal(sealVersion, sealed{UserID: userID, Expires: s.now().Add(s.ttl()).Unix(), State: st})
}

// Open checks a sealed state that userID sent back and returns the state.
// It fails with ErrBadState (not sealed here, or changed), ErrOtherUser or
// ErrExpiredState.
func (s *Sealer) Open(userID, raw string) (State, error) {
	var p sealed
	if err := s.signingKey().Open(sealVersion, raw, &p); err != nil {
		if errors.Is(err, signed.ErrInvalid) {
			return State{}, ErrBadState
		}
		return State{}, err
	}
	if p.UserID != userID {
		return State{}, ErrOtherUser
	}
	if !s.now().Before(time.Unix(p.Expires, 0)) {
		return State{}, ErrExpiredState
	}
	return p.State, nil
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

package postbindings

import (
	"errors"
	"sync"

	"github.com/lambda-apps/lambda-apps/server/signed"
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
// cluster node; package signed). The server keeps attachment contexts from
// clients, but any logged-in user can post to the plugin's action route
// directly: the signature is what keeps them from calling an app in
// another post's name. Signed actions do not expire: posts live as long as
// they are kept.
type Signer struct {
	// Secret returns the installation's secret.
	Secret func() (string, error)

	once sync.Once
	key  *signed.Key
}

func (s *Signer) signingKey() *signed.Key {
	s.once.Do(func() { s.key = &signed.Key{Secret: s.Secret, Label: keyLabel, What: "in-post actions"} })
	return s.key
}

// Sign returns the action as a signed string.
func (s *Signer) Sign(a Action) (string, error) {
	return s.signingKey().Seal(signVersion, a)
}

// Open checks a signed action and returns it; ErrBadAction when it was not
// signed here or was changed.
func (s *Signer) Open(raw string) (Action, error) {
	var a Action
	if err := s.signingKey().Open(signVersion, raw, &a); err != nil {
		if errors.Is(err, signed.ErrInvalid) {
			return Action{}, ErrBadAction
		}
		return Action{}, err
	}
	if a.AppID == "" || a.Location == "" {
		return Action{}, ErrBadAction
	}
	return a, nil
}

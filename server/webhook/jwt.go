package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// jwtLeeway tolerates clock differences between the sender and the server.
const jwtLeeway = time.Minute

// verifyJWT checks a compact JWT signed with HS256 and secret: the
// signature, and exp and nbf when present. Any other algorithm (including
// "none") is refused.
func verifyJWT(token, secret string, now time.Time) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return errors.New("the Authorization token is not a JWT")
	}
	var header struct {
		Alg string `json:"alg"`
	}
	if err := decodeSegment(parts[0], &header); err != nil {
		return fmt.Errorf("the JWT header: %w", err)
	}
	if header.Alg != "HS256" {
		return fmt.Errorf("the JWT is signed with %q; only HS256 with the app's webhook secret is accepted", header.Alg)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return errors.New("the JWT signature is not base64url")
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(parts[0] + "." + parts[1]))
	if !hmac.Equal(sig, mac.Sum(nil)) {
		return errors.New("the JWT signature does not match the app's webhook secret")
	}
	var claims struct {
		Exp *float64 `json:"exp"`
		Nbf *float64 `json:"nbf"`
	}
	if err := decodeSegment(parts[1], &claims); err != nil {
		return fmt.Errorf("the JWT claims: %w", err)
	}
	if claims.Exp != nil && now.After(unix(*claims.Exp).Add(jwtLeeway)) {
		return errors.New("the JWT has expired")
	}
	if claims.Nbf != nil && now.Add(jwtLeeway).Before(unix(*claims.Nbf)) {
		return errors.New("the JWT is not valid yet")
	}
	return nil
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return errors.New("not base64url")
	}
	if err := json.Unmarshal(b, v); err != nil {
		return errors.New("not a JSON object")
	}
	return nil
}

func unix(seconds float64) time.Time {
	return time.Unix(0, int64(seconds*float64(time.Second)))
}

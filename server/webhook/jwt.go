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

// MaxJWTLifetime is the longest a remote webhook JWT may be valid. Its exp
// claim is required and may be at most MaxJWTLifetime (plus a minute for
// clock differences) after the time the webhook arrives; when it has an iat
// claim, exp - iat may be at most MaxJWTLifetime too. A leaked token is thus
// of use for an hour at most: senders sign a fresh, short-lived token for
// each webhook (or at least every hour).
const MaxJWTLifetime = time.Hour

// verifyJWT checks a compact JWT signed with HS256 and secret: the
// signature, exp (required, at most MaxJWTLifetime ahead), and iat and nbf
// when present. Any other algorithm (including "none") is refused. The
// errors never quote the token.
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
	if _, err := base64.RawURLEncoding.DecodeString(parts[2]); err != nil {
		return errors.New("the JWT signature is not base64url")
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(parts[0] + "." + parts[1]))
	// The encoded signatures are compared, not the decoded bytes: the
	// decoder skips newlines and ignores the unused bits of the last
	// character, so other spellings of the signature would pass.
	want := base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(parts[2]), []byte(want)) {
		return errors.New("the JWT signature does not match the app's webhook secret")
	}
	var claims map[string]json.RawMessage
	if err := decodeSegment(parts[1], &claims); err != nil {
		return fmt.Errorf("the JWT claims: %w", err)
	}
	return checkTimes(claims, now)
}

// checkTimes checks the time claims, in seconds since the epoch. Times are
// compared as float64 seconds: a huge exp cannot overflow a time.Time.
func checkTimes(claims map[string]json.RawMessage, now time.Time) error {
	exp, hasExp, err := numericClaim(claims, "exp")
	if err != nil {
		return err
	}
	iat, hasIat, err := numericClaim(claims, "iat")
	if err != nil {
		return err
	}
	nbf, hasNbf, err := numericClaim(claims, "nbf")
	if err != nil {
		return err
	}
	nowS := float64(now.UnixNano()) / float64(time.Second)
	leeway, maxLife := jwtLeeway.Seconds(), MaxJWTLifetime.Seconds()
	switch {
	case !hasExp:
		return fmt.Errorf("the JWT has no exp claim: webhook JWTs must expire at most %s after they are sent", minutes(MaxJWTLifetime))
	case nowS > exp+leeway:
		return errors.New("the JWT has expired")
	case exp-nowS > maxLife+leeway:
		return fmt.Errorf("the JWT's exp is %s from now: webhook JWTs may be valid for at most %s", seconds(exp-nowS), minutes(MaxJWTLifetime))
	case hasIat && exp-iat > maxLife:
		return fmt.Errorf("the JWT is valid for %s (exp - iat): webhook JWTs may be valid for at most %s", seconds(exp-iat), minutes(MaxJWTLifetime))
	case hasNbf && nowS+leeway < nbf:
		return errors.New("the JWT is not valid yet")
	}
	return nil
}

// numericClaim reads a NumericDate claim; ok is false when it is absent or
// null.
func numericClaim(claims map[string]json.RawMessage, name string) (v float64, ok bool, err error) {
	raw, found := claims[name]
	if !found || string(raw) == "null" {
		return 0, false, nil
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return 0, false, fmt.Errorf("the JWT's %s claim is not a number of seconds since 1970-01-01 UTC", name)
	}
	return v, true, nil
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

// minutes formats a duration of whole minutes, as "60 minutes".
func minutes(d time.Duration) string {
	return fmt.Sprintf("%d minutes", int64(d/time.Minute))
}

// seconds formats a number of seconds for a refusal, as "2h0m0s"; absurd
// values are capped rather than overflowing a time.Duration.
func seconds(s float64) string {
	const most = 100 * 365 * 24 * time.Hour
	if s > most.Seconds() {
		return "more than 100 years"
	}
	return time.Duration(s * float64(time.Second)).Round(time.Second).String()
}

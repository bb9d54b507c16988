package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVerifyJWT(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	at := func(d time.Duration) float64 { return float64(now.Add(d).Unix()) }
	tests := []struct {
		name    string
		claims  map[string]any
		wantErr string // "" when the token is accepted
	}{
		{"valid", map[string]any{"exp": at(5 * time.Minute)}, ""},
		{"valid with iat and nbf", map[string]any{"iat": at(0), "nbf": at(0), "exp": at(time.Hour)}, ""},
		{"exp at the most", map[string]any{"exp": at(MaxJWTLifetime)}, ""},
		{"exp at the most, sender's clock ahead", map[string]any{"exp": at(MaxJWTLifetime + jwtLeeway)}, ""},
		{"fractional exp", map[string]any{"exp": at(time.Minute) + 0.5}, ""},
		{"expired within the leeway", map[string]any{"exp": at(-30 * time.Second)}, ""},
		{"missing exp", map[string]any{"sub": "x"}, "the JWT has no exp claim: webhook JWTs must expire at most 60 minutes after they are sent"},
		{"no claims", map[string]any{}, "the JWT has no exp claim"},
		{"null exp", map[string]any{"exp": nil}, "the JWT has no exp claim"},
		{"exp not a number", map[string]any{"exp": "tomorrow"}, "the JWT's exp claim is not a number of seconds since 1970-01-01 UTC"},
		{"iat not a number", map[string]any{"exp": at(time.Minute), "iat": true}, "the JWT's iat claim is not a number"},
		{"exp too far", map[string]any{"exp": at(2 * time.Hour)}, "the JWT's exp is 2h0m0s from now: webhook JWTs may be valid for at most 60 minutes"},
		{"exp just too far", map[string]any{"exp": at(MaxJWTLifetime + jwtLeeway + time.Second)}, "webhook JWTs may be valid for at most 60 minutes"},
		{"exp absurdly far", map[string]any{"exp": 1e300}, "the JWT's exp is more than 100 years from now"},
		{"exp - iat too long", map[string]any{"iat": at(-50 * time.Minute), "exp": at(30 * time.Minute)}, "the JWT is valid for 1h20m0s (exp - iat): webhook JWTs may be valid for at most 60 minutes"},
		{"expired", map[string]any{"exp": at(-2 * time.Minute)}, "the JWT has expired"},
		{"expired long ago", map[string]any{"exp": -1e300}, "the JWT has expired"},
		{"not valid yet", map[string]any{"nbf": at(10 * time.Minute), "exp": at(20 * time.Minute)}, "the JWT is not valid yet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := jwtFor(t, "HS256", secret, tt.claims)
			err := verifyJWT(token, secret, now)
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.NotContains(t, err.Error(), token, "the token is never quoted")
			assert.NotContains(t, err.Error(), secret, "nor the secret")
		})
	}
}

func TestVerifyJWTRefusesBadTokens(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	valid := jwtFor(t, "HS256", secret, map[string]any{"exp": float64(now.Add(time.Minute).Unix())})
	require.NoError(t, verifyJWT(valid, secret, now))
	enc := base64.RawURLEncoding.EncodeToString
	tests := []struct {
		name, token, wantErr string
	}{
		{"not a JWT", "a.b", "not a JWT"},
		{"wrong secret", valid, "does not match the app's webhook secret"},
		{"alg none", jwtFor(t, "none", secret, map[string]any{"exp": float64(now.Unix())}), `signed with "none"`},
		{"bad signature encoding", valid[:len(valid)-2] + "!!", "signature is not base64url"},
		{"newline in the signature", valid + "\n", "does not match"},
		{"non-canonical last signature character", valid[:len(valid)-1] + string(flipLowBits(valid[len(valid)-1])), "does not match"},
		{"claims not JSON", signed(t, enc([]byte(`{"alg":"HS256"}`))+"."+enc([]byte("nope"))), "the JWT claims: not a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := secret
			if tt.name == "wrong secret" {
				key = "another secret"
			}
			assert.ErrorContains(t, verifyJWT(tt.token, key, now), tt.wantErr)
		})
	}
}

// signed appends the HS256 signature of signing with the test secret.
func signed(t *testing.T, signing string) string {
	t.Helper()
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(signing))
	return signing + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// flipLowBits returns another base64url character that decodes to the same
// bytes when it ends a 32-byte signature (43 characters: the last one
// carries 4 bits and 2 unused ones).
func flipLowBits(c byte) byte {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, c)
	return alphabet[i^1]
}

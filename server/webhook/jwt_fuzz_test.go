package webhook

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"time"
)

// fuzzNow bounds the fuzzed clock to 1970..2242 (2^33 seconds), well
// inside the range of time.Time in nanoseconds, like any real clock.
func fuzzNow(sec uint64) time.Time {
	return time.Unix(int64(sec%(1<<33)), int64(sec>>33)%int64(time.Second))
}

// signHS256 returns the compact JWT of header and claims signed with key.
func signHS256(header, claims []byte, key string) string {
	signing := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(claims)
	return signing + "." + hs256(signing, key)
}

// hs256 returns the base64url HMAC-SHA256 of signing with key.
func hs256(signing, key string) string {
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(signing))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// hmacKey returns the block-sized key HMAC-SHA256 really uses: a key longer
// than the block is hashed, and a shorter one is padded with zeros. Two keys
// with the same block key sign alike ("k" and "k\x00"), so a token signed
// with one is rightly accepted with the other.
func hmacKey(key string) [sha256.BlockSize]byte {
	var k [sha256.BlockSize]byte
	if len(key) > sha256.BlockSize {
		sum := sha256.Sum256([]byte(key))
		copy(k[:], sum[:])
	} else {
		copy(k[:], key)
	}
	return k
}

// claimsVerdict says whether a token with these claims is valid at now, as
// verifyJWT documents it: exp is required, at most MaxJWTLifetime (plus the
// leeway) ahead and not past (minus the leeway); iat, when present, at most
// MaxJWTLifetime before exp; nbf, when present, not ahead (minus the
// leeway). A null claim is absent; a claim that is not a number is invalid.
// The comparisons are exact; sure is false when a bound is within a
// millisecond, where float rounding may go either way.
func claimsVerdict(claimsJSON []byte, now time.Time) (valid, sure bool) {
	var claims map[string]json.RawMessage
	if json.Unmarshal(claimsJSON, &claims) != nil {
		return false, true
	}
	num := func(name string) (*big.Float, bool, bool) { // value, present, well-formed
		raw, ok := claims[name]
		if !ok || string(raw) == "null" {
			return nil, false, true
		}
		var v float64
		if json.Unmarshal(raw, &v) != nil {
			return nil, true, false
		}
		return exact(v), true, true
	}
	exp, hasExp, okExp := num("exp")
	iat, hasIat, okIat := num("iat")
	nbf, hasNbf, okNbf := num("nbf")
	if !okExp || !okIat || !okNbf || !hasExp {
		return false, true
	}
	nowS := exact(float64(now.Unix()))
	nowS.Add(nowS, new(big.Float).SetPrec(exactPrec).Quo(exact(float64(now.Nanosecond())), exact(1e9)))
	leeway, maxLife := exact(jwtLeeway.Seconds()), exact(MaxJWTLifetime.Seconds())
	valid, sure = true, true
	// atMost requires a <= b.
	atMost := func(a, b *big.Float) {
		d := new(big.Float).SetPrec(exactPrec).Sub(b, a)
		if new(big.Float).Abs(d).Cmp(exact(1e-3)) < 0 {
			sure = false
		} else if d.Sign() < 0 {
			valid = false
		}
	}
	sum := func(a, b *big.Float) *big.Float { return new(big.Float).SetPrec(exactPrec).Add(a, b) }
	atMost(nowS, sum(exp, leeway))               // not expired
	atMost(exp, sum(nowS, sum(maxLife, leeway))) // not too far ahead
	if hasIat {
		atMost(exp, sum(iat, maxLife))
	}
	if hasNbf {
		atMost(nbf, sum(nowS, leeway))
	}
	return valid, sure
}

// exactPrec is enough bits to add and subtract float64 values exactly.
const exactPrec = 2200

func exact(v float64) *big.Float { return new(big.Float).SetPrec(exactPrec).SetFloat64(v) }

// FuzzVerifyJWT feeds arbitrary tokens, keys and clocks to verifyJWT: it
// must not panic, and a token it accepts must be an HS256 JWT whose third
// segment is exactly the base64url HMAC of the first two under the key, and
// whose claims are valid at that time.
func FuzzVerifyJWT(f *testing.F) {
	now := uint64(1_800_000_000)
	hdr := []byte(`{"alg":"HS256","typ":"JWT"}`)
	f.Add(signHS256(hdr, []byte(`{"exp":1800003600}`), "k"), "k", now)
	f.Add(signHS256(hdr, []byte(`{"iat":1799999990.5,"nbf":1799999990.5,"exp":1800000100,"sub":"x"}`), "k"), "k", now)
	f.Add(signHS256(hdr, []byte(`{"exp":1700000000}`), "k"), "k", now)
	f.Add(signHS256(hdr, []byte(`{"exp":1800000100}`), "other"), "k", now)
	f.Add(signHS256([]byte(`{"alg":"none"}`), []byte(`{"exp":1800000100}`), "k"), "k", now)
	f.Add(signHS256(hdr, []byte(`[]`), "k"), "k", now)
	f.Add("a.b", "k", now)
	f.Fuzz(func(t *testing.T, token, key string, nowSec uint64) {
		at := fuzzNow(nowSec)
		err := verifyJWT(token, key, at)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		parts := strings.Split(token, ".")
		if len(parts) != 3 {
			t.Fatalf("accepted %q: %d segments", token, len(parts))
		}
		if want := hs256(parts[0]+"."+parts[1], key); parts[2] != want {
			t.Fatalf("accepted %q with signature %q; the signature is %q", token, parts[2], want)
		}
		var header struct {
			Alg string `json:"alg"`
		}
		raw, derr := base64.RawURLEncoding.DecodeString(parts[0])
		if derr != nil || json.Unmarshal(raw, &header) != nil || header.Alg != "HS256" {
			t.Fatalf("accepted %q with header %q", token, raw)
		}
		raw, derr = base64.RawURLEncoding.DecodeString(parts[1])
		if derr != nil {
			t.Fatalf("accepted %q with claims that are not base64url", token)
		}
		if valid, sure := claimsVerdict(raw, at); sure && !valid {
			t.Fatalf("accepted %q at %v: claims %s are not valid then", token, at.UTC(), raw)
		}
	})
}

// claimKinds are the forms a fuzzed time claim takes: absent, a number of
// seconds relative to now, null, or not a number.
const (
	claimAbsent = iota
	claimNumber
	claimNull
	claimString
)

// FuzzVerifyJWTSigned signs tokens with fuzzed claims and checks that
// verifyJWT accepts exactly those with alg HS256 and valid claims, that a
// key that signs differently is refused, and that any change to an
// accepted token (a byte replaced, inserted or removed, two swapped, the
// token cut or extended) is refused. The time claims are offsets from the
// fuzzed clock, so that most tokens are close to valid.
func FuzzVerifyJWTSigned(f *testing.F) {
	// kinds holds 2 bits per claim: exp, iat, nbf (claimAbsent...).
	f.Add("0123456789abcdef", "HS256", 600.0, 0.0, 0.0, uint8(0b01_01_01), "sub", uint64(1_800_000_000), "other", uint8(0), uint16(5), byte('x'))
	f.Add("0123456789abcdef", "HS256", 3660.0, -1.0, 3599.5, uint8(0b01_01_01), "", uint64(1_800_000_000), "0123456789abcdef\x00", uint8(1), uint16(80), byte('.'))
	f.Add("k", "none", 60.0, 0.0, 0.0, uint8(0b00_00_01), "x", uint64(1_800_000_000), "", uint8(2), uint16(0), byte(0))
	f.Add("k", "HS256", -59.0, 0.0, 61.0, uint8(0b01_00_01), "x", uint64(1_800_000_000), "K", uint8(3), uint16(200), byte('A'))
	f.Add("k", "HS256", 1e300, 0.0, 0.0, uint8(0b11_10_01), "x", uint64(1_800_000_000), "K", uint8(4), uint16(20), byte('A'))
	f.Fuzz(func(t *testing.T, key, alg string, exp, iat, nbf float64, kinds uint8, sub string, nowSec uint64,
		otherKey string, mutation uint8, pos uint16, b byte,
	) {
		at := fuzzNow(nowSec)
		claims := map[string]any{"sub": sub}
		for i, c := range []struct {
			name   string
			offset float64
		}{{"exp", exp}, {"iat", iat}, {"nbf", nbf}} {
			switch kinds >> (2 * i) & 3 {
			case claimNumber:
				claims[c.name] = float64(at.Unix()) + c.offset
			case claimNull:
				claims[c.name] = nil
			case claimString:
				claims[c.name] = "soon"
			}
		}
		claimsJSON, err := json.Marshal(claims)
		if err != nil {
			return // NaN and infinities have no JSON form
		}
		headerJSON, err := json.Marshal(map[string]string{"alg": alg, "typ": "JWT"})
		if err != nil {
			t.Fatal(err)
		}
		token := signHS256(headerJSON, claimsJSON, key)

		valid, sure := claimsVerdict(claimsJSON, at)
		valid = valid && alg == "HS256"
		err = verifyJWT(token, key, at)
		switch {
		case !sure:
			// A bound within a millisecond of now: either answer is right.
		case valid && err != nil:
			t.Fatalf("refused a valid token (alg %q, claims %s, now %v): %v", alg, claimsJSON, at.UTC(), err)
		case !valid && err == nil:
			t.Fatalf("accepted an invalid token (alg %q, claims %s, now %v)", alg, claimsJSON, at.UTC())
		}
		if err != nil {
			return
		}

		if hmacKey(otherKey) != hmacKey(key) {
			if err := verifyJWT(token, otherKey, at); err == nil {
				t.Fatalf("token signed with %q accepted with key %q", key, otherKey)
			}
		}
		if mutated := mutate(token, mutation, int(pos), b); mutated != token {
			if err := verifyJWT(mutated, key, at); err == nil {
				t.Fatalf("accepted a changed token:\n signed  %q\n changed %q", token, mutated)
			}
		}
	})
}

// mutate changes s at pos (modulo its length) in one of six ways.
func mutate(s string, kind uint8, pos int, b byte) string {
	buf := []byte(s)
	i := pos % (len(buf) + 1) // 0..len(buf)
	switch kind % 6 {
	case 0: // replace
		if i == len(buf) {
			i--
		}
		if i < 0 {
			return s
		}
		buf[i] = b
	case 1: // insert
		buf = append(buf[:i], append([]byte{b}, buf[i:]...)...)
	case 2: // delete
		if i == len(buf) {
			return s
		}
		buf = append(buf[:i], buf[i+1:]...)
	case 3: // swap with the next byte
		if i+1 >= len(buf) {
			return s
		}
		buf[i], buf[i+1] = buf[i+1], buf[i]
	case 4: // cut
		buf = buf[:i]
	case 5: // extend
		buf = append(buf, bytes.Repeat([]byte{b}, 1+pos%3)...)
	}
	return string(buf)
}

// TestFuzzHelpers checks the oracles of the fuzz targets on known cases,
// so that a broken oracle cannot make them pass.
func TestFuzzHelpers(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	for _, tt := range []struct {
		claims      string
		valid, sure bool
	}{
		{`{"exp":1800000600}`, true, true},
		{`{"exp":1800000600,"iat":1799999999,"nbf":1800000059}`, true, true},
		{`{"exp":1800003660}`, true, false},                  // exactly MaxJWTLifetime + leeway ahead
		{`{"exp":1800003661}`, false, true},                  // beyond
		{`{"exp":1799999941}`, true, true},                   // expired within the leeway
		{`{"exp":1799999939}`, false, true},                  // expired
		{`{"exp":1800000600,"iat":1799996999}`, false, true}, // exp - iat > MaxJWTLifetime
		{`{"exp":1800000600,"nbf":1800000061}`, false, true},
		{`{"exp":1800000600,"nbf":1e19}`, false, true},
		{`{"exp":1e19}`, false, true},
		{`{"exp":-1e300}`, false, true},
		{`{"exp":1800000600,"nbf":null,"iat":null}`, true, true},
		{`{"exp":null}`, false, true},
		{`{"sub":"x"}`, false, true},
		{`{"exp":"1800000600"}`, false, true},
		{`{"exp":1800000600,"iat":true}`, false, true},
		{`[]`, false, true},
		{`{"exp":5e-324}`, false, true},
	} {
		valid, sure := claimsVerdict([]byte(tt.claims), now)
		if valid != tt.valid || sure != tt.sure {
			t.Errorf("%s: valid %v sure %v, want %v %v", tt.claims, valid, sure, tt.valid, tt.sure)
		}
	}
	if hmacKey("k") != hmacKey("k\x00") || hmacKey("k") == hmacKey("K") {
		t.Error("hmacKey: zero padding")
	}
	long := strings.Repeat("x", 65)
	sum := sha256.Sum256([]byte(long))
	if hmacKey(long) != hmacKey(string(sum[:])) || hs256("a.b", long) != hs256("a.b", string(sum[:])) {
		t.Error("hmacKey: long keys are hashed")
	}
	for _, tt := range []struct {
		kind uint8
		pos  int
		want string
	}{{0, 1, "axc"}, {0, 3, "abx"}, {1, 3, "abcx"}, {2, 0, "bc"}, {3, 1, "acb"}, {4, 1, "a"}, {5, 1, "abcxx"}} {
		if got := mutate("abc", tt.kind, tt.pos, 'x'); got != tt.want {
			t.Errorf("mutate kind %d at %d: %q, want %q", tt.kind, tt.pos, got, tt.want)
		}
	}
}
